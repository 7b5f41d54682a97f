package dev.shuttle.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters kept for one key of {@link ConcurrentMetrics#local} (per-goroutine or per-worker
 * metrics): local only, never exported, so a key may be as fine-grained as a worker or a tenant
 * without costing metric cardinality. Thread-safe: several threads may share one key.
 */
public final class LocalMetrics {
  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();

  LocalMetrics() {}

  /** Counts one request. */
  public void incrementRequest() {
    requests.increment();
  }

  /** Counts one error. */
  public void incrementError() {
    errors.increment();
  }

  /**
   * Returns the requests counted so far.
   *
   * @return the number of requests counted
   */
  public long requestCount() {
    return requests.sum();
  }

  /**
   * Returns the errors counted so far.
   *
   * @return the number of errors counted
   */
  public long errorCount() {
    return errors.sum();
  }

  @Override
  public String toString() {
    return "LocalMetrics{requests=" + requests.sum() + ", errors=" + errors.sum() + "}";
  }
}
