package dev.shuttle.telemetry;

/**
 * The default instrument names of {@code dev.shuttle.metrics}: each is a suffix appended to the
 * namespace the application chooses ({@code ConcurrentMetrics.create(meter, "checkout")} records
 * {@code checkout.requests}, ...); {@code ConcurrentMetrics.builder(meter)} chooses others. The
 * names in brackets are common alternatives; durations are in seconds, as OTel semantic conventions
 * require, unless the builder is given another unit.
 */
public final class CollectorMetricNames {
  /** Counter of requests, {@code {request}} (a common name: {@code requests.count}). */
  public static final String REQUESTS = "requests";

  /** Counter of failed requests, {@code {error}} (a common name: {@code errors.count}). */
  public static final String ERRORS = "errors";

  /** Histogram of request latency, {@code s} (a common name: {@code request.latency}, in ms). */
  public static final String REQUEST_DURATION = "request.duration";

  /**
   * UpDownCounter of open connections, {@code {connection}} (a common name: {@code
   * connections.active}).
   */
  public static final String CONNECTIONS_ACTIVE = "connections.active";

  /**
   * Counter of the summed latency of all requests, {@code s} (a common name: {@code totalLatency}).
   */
  public static final String REQUEST_DURATION_TOTAL = "request.duration.total";

  /**
   * Gauge of the mean latency since the start, {@code s} (a common name: {@code avg_latency_ms}).
   */
  public static final String REQUEST_DURATION_AVERAGE = "request.duration.average";

  /**
   * Gauge of errors divided by requests, {@code 1}; 0 before the first request (a common name:
   * {@code error_rate}).
   */
  public static final String ERROR_RATE = "error_rate";

  private CollectorMetricNames() {}
}
