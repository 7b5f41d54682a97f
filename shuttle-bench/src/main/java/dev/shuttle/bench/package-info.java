/**
 * JMH benchmarks: Shuttle's channel against Jox and {@code java.util.concurrent} queues, all on
 * virtual threads, and the cost of per-message context. Run with {@code java -jar
 * shuttle-bench/target/benchmarks.jar}; see {@code docs/PERFORMANCE.md}.
 */
@NullMarked
package dev.shuttle.bench;

import org.jspecify.annotations.NullMarked;
