# Sourced by ./shuttle and .ci/run: exports JAVA_HOME pointing at a JDK 21+ when the current
# java (JAVA_HOME's, else the one on PATH) is older. Leaves a suitable setting alone.

shuttle_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}

shuttle_current_java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! command -v "$shuttle_current_java" >/dev/null 2>&1 ||
  [ "$(shuttle_java_major "$shuttle_current_java")" -lt 21 ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*21* \
    /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if [ -x "$candidate/bin/java" ] && [ "$(shuttle_java_major "$candidate/bin/java")" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      break
    fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] && [ "$(shuttle_java_major java 2>/dev/null || echo 0)" -lt 21 ]; then
  echo "Shuttle needs JDK 21 or newer: install one (e.g. Temurin 21 or 25) and set JAVA_HOME." >&2
  exit 1
fi
