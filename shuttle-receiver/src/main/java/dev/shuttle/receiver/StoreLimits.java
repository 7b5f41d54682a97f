package dev.shuttle.receiver;

/**
 * The most spans, metric data points and log records a {@link TelemetryStore} holds at once.
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * @param maxSpans the span limit; beyond it the oldest traces are evicted whole
 * @param maxDataPoints the metric data point limit; beyond it the oldest metric batches go
 * @param maxLogRecords the log record limit; beyond it the oldest log batches go
 */
public record StoreLimits(int maxSpans, int maxDataPoints, int maxLogRecords) {
  /** The default limit for each signal: 100,000. */
  public static final int DEFAULT_LIMIT = 100_000;

  /** Checks that each limit is positive. */
  public StoreLimits {
    positive(maxSpans, "maxSpans");
    positive(maxDataPoints, "maxDataPoints");
    positive(maxLogRecords, "maxLogRecords");
  }

  /**
   * Returns the default limits, {@link #DEFAULT_LIMIT} for each signal.
   *
   * @return the default limits
   */
  public static StoreLimits defaults() {
    return new StoreLimits(DEFAULT_LIMIT, DEFAULT_LIMIT, DEFAULT_LIMIT);
  }

  private static void positive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
