package dev.shuttle.receiver;

/**
 * The most a {@link TelemetryStore} holds at once: counts of spans, metric data points and log
 * records, and an estimated heap size in bytes for all three together.
 *
 * {@snippet :
 * StoreLimits limits = StoreLimits.defaults().withMaxBytes(64L * 1024 * 1024);
 * TelemetryStore store = TelemetryStore.create(limits);
 * }
 *
 * <p>Every limit holds after each add. The byte limit bounds the sum of per-item estimates, each
 * computed once when the item is added: the item's serialized size plus the overhead of the Java
 * objects that hold it (see {@link TelemetryStore}); the estimates are a little above what the heap
 * measures for typical telemetry. Beyond a limit the oldest data goes first: whole traces (by their
 * first span's arrival) and whole metric or log batches; an export that alone exceeds a limit keeps
 * its newest spans, data points or log records, and the rest are counted as evicted.
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * @param maxSpans the span limit; beyond it the oldest traces are evicted whole
 * @param maxDataPoints the metric data point limit (each number, histogram, exponential histogram
 *     and summary point counts one); beyond it the oldest metric batches go
 * @param maxLogRecords the log record limit; beyond it the oldest log batches go
 * @param maxBytes the estimated heap size of everything held; beyond it the oldest traces, metric
 *     batches and log batches go, whichever arrived first
 */
public record StoreLimits(int maxSpans, int maxDataPoints, int maxLogRecords, long maxBytes) {
  /** The default count limit for each signal: 100,000. */
  public static final int DEFAULT_LIMIT = 100_000;

  /** The smallest default byte limit, 16 MiB, used when a quarter of the heap is less. */
  public static final long MIN_DEFAULT_BYTES = 16L * 1024 * 1024;

  /** The largest default byte limit, 1 GiB, used when a quarter of the heap is more. */
  public static final long MAX_DEFAULT_BYTES = 1024L * 1024 * 1024;

  /** Checks that each limit is positive. */
  public StoreLimits {
    positive(maxSpans, "maxSpans");
    positive(maxDataPoints, "maxDataPoints");
    positive(maxLogRecords, "maxLogRecords");
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
    }
  }

  /**
   * Creates count limits with the {@linkplain #defaultMaxBytes() default byte limit}.
   *
   * @param maxSpans the span limit
   * @param maxDataPoints the metric data point limit
   * @param maxLogRecords the log record limit
   */
  public StoreLimits(int maxSpans, int maxDataPoints, int maxLogRecords) {
    this(maxSpans, maxDataPoints, maxLogRecords, defaultMaxBytes());
  }

  /**
   * Returns the default limits: {@link #DEFAULT_LIMIT} for each signal and {@link
   * #defaultMaxBytes()}.
   *
   * @return the default limits
   */
  public static StoreLimits defaults() {
    return new StoreLimits(DEFAULT_LIMIT, DEFAULT_LIMIT, DEFAULT_LIMIT, defaultMaxBytes());
  }

  /**
   * Returns the default byte limit: a quarter of the heap ({@link Runtime#maxMemory()}), at least
   * {@link #MIN_DEFAULT_BYTES} and at most {@link #MAX_DEFAULT_BYTES}.
   *
   * <p>A quarter leaves the rest of the heap to what the receiver needs besides the store: requests
   * being decoded (a request takes several times its body size while it is parsed), rendering, and
   * the OTLP/JSON dump, which copies the store. The floor keeps a store useful on a small heap (16
   * MiB hold some six thousand spans of ten attributes each); the cap keeps the linear queries and
   * the dump of a very large heap fast.
   *
   * @return the default byte limit
   */
  public static long defaultMaxBytes() {
    long quarter = Runtime.getRuntime().maxMemory() / 4;
    return Math.clamp(quarter, MIN_DEFAULT_BYTES, MAX_DEFAULT_BYTES);
  }

  /**
   * Returns these limits with another byte limit.
   *
   * @param maxBytes the estimated heap size of everything held, positive
   * @return the new limits
   * @throws IllegalArgumentException if {@code maxBytes} is not positive
   */
  public StoreLimits withMaxBytes(long maxBytes) {
    return new StoreLimits(maxSpans, maxDataPoints, maxLogRecords, maxBytes);
  }

  private static void positive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
