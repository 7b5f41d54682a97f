/**
 * Concurrency-safe metrics: fast local counters ({@link java.util.concurrent.atomic.LongAdder})
 * that OpenTelemetry reads at collection time, a per-key map with an atomic get-or-create, and
 * lock-free request statistics.
 *
 * {@snippet :
 * ConcurrentMetrics http = ConcurrentMetrics.create("checkout");
 * http.incrementRequest();                       // one LongAdder increment; OTel reads the sum
 * http.recordLatency(Duration.ofMillis(12), Attributes.empty());
 * http.local(workerId).incrementRequest();       // per-key, created atomically, never exported
 *
 * RequestStats stats = RequestStats.create();
 * stats.record(Duration.ofMillis(12), true);
 * try (BatchCallback exported = stats.bind(meter, "checkout", Attributes.empty())) {
 *   ...
 * }
 * }
 */
@NullMarked
package dev.shuttle.metrics;

import org.jspecify.annotations.NullMarked;
