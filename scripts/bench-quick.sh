#!/usr/bin/env bash
# Issue 15's comparison in one JMH run: Shuttle's channels, select, pools and goroutine start
# against Jox, java.util.concurrent, an instrumented ThreadPoolExecutor and raw virtual threads
# (and Go's channels and goroutines when `go` is on PATH). Prints one table of ratios.
#
#   scripts/bench-quick.sh [-o RESULT.json] [JMH OPTION...]
#
# Defaults: -f 3 -wi 2 -i 2 -w 1s -r 1s (about 8 minutes of JMH on 2 cores): three forks, because
# on virtual threads a fork often settles into a fast or a slow mode; the table shows the median fork. Override them with
# JMH options after the script's own (they come last, so they win), or with the environment:
#   JMH_OPTS="-f 1 -wi 1 -i 1 -w 200ms -r 200ms"   replaces the default iteration options
#   BENCH_OUT=path.json                             where the raw JSON goes (same as -o)
#   BENCH_SKIP_BUILD=1                              use the existing shuttle-bench/target/benchmarks.jar
#   GO_BENCHTIME=1s GO_COUNT=3                       Go's -benchtime and -count
#   BENCH_NO_GO=1                                   leave Go out even when it is installed
# The raw JSON is written to docs/benchmarks/quick-<date>.json by default; the table goes next to
# it (.txt) and Go's raw output too (-go.txt).
set -euo pipefail
started=$(date +%s)
cd "$(dirname "$0")/.."
. scripts/use-jdk21.sh
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

out="${BENCH_OUT:-docs/benchmarks/quick-$(date -u +%Y-%m-%d-%H%M%S).json}"
if [ "${1:-}" = "-o" ]; then
  [ $# -ge 2 ] || { echo "bench-quick: -o needs a file name" >&2; exit 2; }
  out="$2"
  shift 2
fi
case "$out" in
  *.json) ;;
  *) echo "bench-quick: the result file must end in .json, got: $out" >&2; exit 2 ;;
esac
mkdir -p "$(dirname "$out")"
table="${out%.json}.txt"
go_out="${out%.json}-go.txt"

# --- build ---------------------------------------------------------------------------------
jar=shuttle-bench/target/benchmarks.jar
if [ "${BENCH_SKIP_BUILD:-0}" = 1 ] && [ -f "$jar" ]; then
  echo "bench-quick: using the existing $jar"
else
  # Offline first (~/.m2 usually has everything); online (Maven Central) only if that fails.
  echo "bench-quick: building $jar"
  if ! mvn -B -q -o -pl shuttle-bench -am package -DskipTests >/tmp/bench-quick-build.$$ 2>&1; then
    echo "bench-quick: offline build failed, trying online" >&2
    mvn -B -q -pl shuttle-bench -am package -DskipTests || {
      cat /tmp/bench-quick-build.$$ >&2; rm -f /tmp/bench-quick-build.$$; exit 1; }
  fi
  rm -f /tmp/bench-quick-build.$$
fi

# --- JMH: every shape of the comparison, side by side, one run --------------------------------
# Each include is a regex on the benchmark name. The parameters are the classes' defaults: each
# class's defaults are the comparison's shapes (ChannelBenchmark: capacity 0/16/100;
# ChainBenchmark: 16; SelectBenchmark: 0/16; WorkerPoolBenchmark: queue 4/1024, four pools;
# GoroutineStartBenchmark: three telemetry modes).
read -r -a iteration_opts <<<"${JMH_OPTS:--f 3 -wi 2 -i 2 -w 1s -r 1s}"
benchmarks=(
  'ChannelBenchmark\.producerConsumer$'
  'ChainBenchmark\.chain$'
  'SelectBenchmark\.selectOverTwo$'
  'WorkerPoolBenchmark\.tinyJobs$'
  'GoroutineStartBenchmark\.'
)
echo "bench-quick: JMH ${iteration_opts[*]} $* -> $out"
"$java_bin" -jar "$jar" "${benchmarks[@]}" "${iteration_opts[@]}" -rf json -rff "$out" "$@" \
  >"${out%.json}-jmh.log" 2>&1 || {
  tail -40 "${out%.json}-jmh.log" >&2
  echo "bench-quick: JMH failed; its log is ${out%.json}-jmh.log" >&2
  exit 1
}
rm -f "${out%.json}-jmh.log"

# --- Go, when installed -------------------------------------------------------------------------
go_args=()
if [ "${BENCH_NO_GO:-0}" != 1 ] && command -v go >/dev/null 2>&1; then
  echo "bench-quick: Go $(go env GOVERSION), -benchtime ${GO_BENCHTIME:-1s} -count ${GO_COUNT:-3}"
  (cd scripts/go-bench &&
    go test -run '^$' -bench . -benchtime "${GO_BENCHTIME:-1s}" -count "${GO_COUNT:-3}") \
    >"$go_out" 2>&1 || { cat "$go_out" >&2; echo "bench-quick: the Go benchmarks failed" >&2; exit 1; }
  go_args=("$go_out")
elif [ "${BENCH_NO_GO:-0}" != 1 ]; then
  echo "bench-quick: no 'go' on PATH: the Go column says 'not run'" \
    "(Debian's Go: apt-get install golang-go; then rerun)"
fi

# --- the table ----------------------------------------------------------------------------------
echo
"$java_bin" scripts/BenchTable.java "$out" "${go_args[@]}" | tee "$table"
echo
echo "bench-quick: raw JSON $out, table $table${go_args:+, Go output $go_out}"
echo "bench-quick: elapsed $(( $(date +%s) - started )) s"
