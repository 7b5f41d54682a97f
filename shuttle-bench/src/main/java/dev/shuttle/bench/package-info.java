/**
 * JMH benchmarks: Shuttle's channel against Jox and {@code java.util.concurrent} queues, all on
 * virtual threads, its pools against an instrumented {@code ThreadPoolExecutor}, goroutine start
 * against raw virtual threads, and the cost of per-message context. Run with {@code java -jar
 * shuttle-bench/target/benchmarks.jar}, or the comparison with {@code scripts/bench-quick.sh};
 * {@link dev.shuttle.bench.GoroutineScale} is the scale profile ({@code scripts/scale.sh}). See
 * {@code docs/PERFORMANCE.md}.
 */
@NullMarked
package dev.shuttle.bench;

import org.jspecify.annotations.NullMarked;
