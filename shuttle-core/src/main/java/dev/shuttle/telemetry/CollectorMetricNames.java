package dev.shuttle.telemetry;

/**
 * The default instrument names of {@code dev.shuttle.metrics}: each is a suffix appended to the
 * namespace the application chooses ({@code ConcurrentMetrics.create(meter, "checkout")} records
 * {@code checkout.requests}, ...); {@code ConcurrentMetrics.builder(meter)} chooses others. The
 * guide's names in brackets; durations are in seconds, as OTel semantic conventions require, not
 * the guide's milliseconds.
 */
public final class CollectorMetricNames {
  /** Counter of requests, {@code {request}} (guide: {@code requests.count}). */
  public static final String REQUESTS = "requests";

  /** Counter of failed requests, {@code {error}} (guide: {@code errors.count}). */
  public static final String ERRORS = "errors";

  /** Histogram of request latency, {@code s} (guide: {@code request.latency}, in ms). */
  public static final String REQUEST_DURATION = "request.duration";

  /**
   * UpDownCounter of open connections, {@code {connection}} (guide: {@code connections.active}).
   */
  public static final String CONNECTIONS_ACTIVE = "connections.active";

  /** Counter of the summed latency of all requests, {@code s} (guide: {@code totalLatency}). */
  public static final String REQUEST_DURATION_TOTAL = "request.duration.total";

  /** Gauge of the mean latency since the start, {@code s} (guide: {@code avg_latency_ms}). */
  public static final String REQUEST_DURATION_AVERAGE = "request.duration.average";

  /**
   * Gauge of errors divided by requests, {@code 1}; 0 before the first request (guide: {@code
   * error_rate}).
   */
  public static final String ERROR_RATE = "error_rate";

  private CollectorMetricNames() {}
}
