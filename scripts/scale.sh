#!/usr/bin/env bash
# Issue 15's scale stress profile, not part of any build: N goroutines started with Go.go under one
# traced, cancellable context, each blocked in receive() on one rendezvous channel; prints the
# start time, the heap per blocked goroutine (after GC) and the cancel-all time, then the same
# start and heap figures for raw virtual threads blocked on a SynchronousQueue. One line a figure.
#
#   scripts/scale.sh [N...] [--no-raw] [--raw-interrupt]
#
# N defaults to 100000 1000000. --raw-interrupt also interrupts every raw thread and times it
# (minutes at 1M); without it the raw threads are released by one put each. Environment:
#   SCALE_HEAP=8g            the JVM's -Xmx (1M goroutines need about 2 GiB; leave headroom)
#   BENCH_SKIP_BUILD=1       use the existing shuttle-bench/target/benchmarks.jar
set -euo pipefail
started=$(date +%s)
cd "$(dirname "$0")/.."
. scripts/use-jdk21.sh
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jar=shuttle-bench/target/benchmarks.jar
if [ "${BENCH_SKIP_BUILD:-0}" = 1 ] && [ -f "$jar" ]; then
  echo "scale: using the existing $jar"
else
  echo "scale: building $jar"
  mvn -B -q -o -pl shuttle-bench -am package -DskipTests >/dev/null 2>&1 ||
    mvn -B -q -pl shuttle-bench -am package -DskipTests
fi
"$java_bin" -Xmx"${SCALE_HEAP:-8g}" -XX:+UseG1GC -cp "$jar" dev.shuttle.bench.GoroutineScale "$@"
echo "scale: elapsed $(( $(date +%s) - started )) s"
