package dev.shuttle.metrics;

import dev.shuttle.internal.Checks;
import dev.shuttle.telemetry.CollectorMetricNames;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongUpDownCounter;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Concurrency-safe request metrics: counters are {@link LongAdder}s, the fastest contended counter
 * on the JVM, and OpenTelemetry reads their sums through observable instruments at collection time,
 * so the hot path is one adder increment and never touches the SDK. Latency goes to an
 * OpenTelemetry histogram directly (a histogram cannot be rebuilt from sums). A per-key map of
 * {@link LocalMetrics}, with an atomic get-or-create, keeps counters per worker or per tenant that
 * are never exported.
 *
 * {@snippet :
 * ConcurrentMetrics metrics = ConcurrentMetrics.create("checkout");
 * metrics.incrementRequest(Attributes.of(HTTP_ROUTE, "/cart"));
 * metrics.recordLatency(elapsed, Attributes.of(HTTP_ROUTE, "/cart"));
 * metrics.local(Thread.currentThread().threadId()).incrementRequest();
 * long total = metrics.requestCount(); // read locally, no SDK needed
 * }
 *
 * <p>Instruments, by default under the namespace given at creation: {@code <ns>.requests}, {@code
 * <ns>.errors} (observable counters), {@code <ns>.connections.active} (observable up-down counter),
 * {@code <ns>.request.duration} (histogram, seconds); see {@link CollectorMetricNames}. {@link
 * #builder(Meter)} chooses other names and another latency unit. Close the instance to unregister
 * its observable instruments.
 *
 * <p>Thread-safe. Implementation note: every counter is an {@link AdderMap}; the only shared
 * mutable structures are {@link ConcurrentHashMap}s written with {@code computeIfAbsent}, and the
 * observable callbacks read sums without locks, so recording never blocks on collection.
 */
public final class ConcurrentMetrics implements AutoCloseable {
  private final AdderMap requests = new AdderMap();
  private final AdderMap errors = new AdderMap();
  private final LongAdder connections = new LongAdder();
  private final ConcurrentHashMap<Object, LocalMetrics> locals = new ConcurrentHashMap<>();
  private final DoubleHistogram latency;
  private final double nanosPerLatencyUnit;
  private final ObservableLongCounter requestsInstrument;
  private final ObservableLongCounter errorsInstrument;
  private final ObservableLongUpDownCounter connectionsInstrument;

  ConcurrentMetrics(
      Meter meter,
      String requestsName,
      String errorsName,
      String latencyName,
      TimeUnit latencyUnit,
      String connectionsName) {
    nanosPerLatencyUnit = latencyUnit.toNanos(1);
    latency =
        meter
            .histogramBuilder(latencyName)
            .setUnit(ucum(latencyUnit))
            .setDescription("Request latency.")
            .build();
    requestsInstrument =
        meter
            .counterBuilder(requestsName)
            .setUnit("{request}")
            .setDescription("Requests counted.")
            .buildWithCallback(requests::observe);
    errorsInstrument =
        meter
            .counterBuilder(errorsName)
            .setUnit("{error}")
            .setDescription("Failed requests counted.")
            .buildWithCallback(errors::observe);
    connectionsInstrument =
        meter
            .upDownCounterBuilder(connectionsName)
            .setUnit("{connection}")
            .setDescription("Connections open now.")
            .buildWithCallback(m -> m.record(connections.sum()));
  }

  /**
   * Creates the metrics under {@code namespace} on Shuttle's meter ({@link
   * ShuttleTelemetry#meter()}).
   *
   * @param namespace the prefix of every instrument name, as {@code checkout} in {@code
   *     checkout.requests}
   * @return the metrics, their instruments registered
   * @throws IllegalArgumentException if {@code namespace} is not a valid instrument-name prefix
   */
  public static ConcurrentMetrics create(String namespace) {
    return create(ShuttleTelemetry.meter(), namespace);
  }

  /**
   * Creates the metrics under {@code namespace} on {@code meter}, with the default names; the same
   * as {@code builder(meter).namespace(namespace).build()}.
   *
   * @param meter the meter that registers the instruments
   * @param namespace the prefix of every instrument name, as {@code checkout} in {@code
   *     checkout.requests}
   * @return the metrics, their instruments registered
   * @throws IllegalArgumentException if {@code namespace} is not a valid instrument-name prefix: a
   *     letter, then letters, digits, {@code _ . - /}, short enough that every name stays within
   *     255 characters
   */
  public static ConcurrentMetrics create(Meter meter, String namespace) {
    Objects.requireNonNull(meter, "meter");
    Objects.requireNonNull(namespace, "namespace");
    return builder(meter).namespace(namespace).build();
  }

  /**
   * Returns a builder of metrics on {@code meter} whose instrument names and latency unit may be
   * chosen; see {@link ConcurrentMetricsBuilder}.
   *
   * @param meter the meter that registers the instruments when the metrics are built
   * @return a new builder with every setting unset
   */
  public static ConcurrentMetricsBuilder builder(Meter meter) {
    return new ConcurrentMetricsBuilder(meter);
  }

  /** Counts one request without attributes. */
  public void incrementRequest() {
    requests.add(1, Attributes.empty());
  }

  /**
   * Counts one request under {@code attributes}; keep them low-cardinality (after 2000 distinct
   * sets, further ones are counted under {@code otel.metric.overflow=true}).
   *
   * @param attributes the attributes of the request, such as its route
   */
  public void incrementRequest(Attributes attributes) {
    requests.add(1, Objects.requireNonNull(attributes, "attributes"));
  }

  /** Counts one failed request without attributes. */
  public void incrementError() {
    errors.add(1, Attributes.empty());
  }

  /**
   * Counts one failed request under {@code attributes}; keep them low-cardinality, as for {@link
   * #incrementRequest(Attributes)}.
   *
   * @param attributes the attributes of the request, such as its route or error type
   */
  public void incrementError(Attributes attributes) {
    errors.add(1, Objects.requireNonNull(attributes, "attributes"));
  }

  /**
   * Records one request's latency under {@code attributes}, in the histogram's unit (seconds unless
   * the builder chose another).
   *
   * @param latency how long the request took
   * @param attributes the attributes of the request, such as its route
   * @throws IllegalArgumentException if {@code latency} is negative
   */
  public void recordLatency(Duration latency, Attributes attributes) {
    Checks.nonNegative(latency, "latency");
    Objects.requireNonNull(attributes, "attributes");
    try {
      this.latency.record(latency.toNanos() / nanosPerLatencyUnit, attributes);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the caller
    }
  }

  /** Counts a connection as open. */
  public void connectionOpened() {
    connections.increment();
  }

  /** Counts a connection as closed. */
  public void connectionClosed() {
    connections.decrement();
  }

  /**
   * Returns the requests counted so far, under every attribute set.
   *
   * @return the number of requests counted
   */
  public long requestCount() {
    return requests.sum();
  }

  /**
   * Returns the requests counted so far under exactly {@code attributes}.
   *
   * @param attributes the attribute set to read; {@link Attributes#empty()} reads the requests
   *     counted without attributes
   * @return the number of requests counted under that set
   */
  public long requestCount(Attributes attributes) {
    return requests.sum(Objects.requireNonNull(attributes, "attributes"));
  }

  /**
   * Returns the failed requests counted so far, under every attribute set.
   *
   * @return the number of failed requests counted
   */
  public long errorCount() {
    return errors.sum();
  }

  /**
   * Returns the connections open now.
   *
   * @return the connections opened minus those closed
   */
  public long activeConnections() {
    return connections.sum();
  }

  /**
   * Returns the local counters of {@code key}, creating them atomically on first use: every thread
   * asking for the same key gets the same instance. Local counters are never exported.
   *
   * @param key what the counters belong to, such as a worker's id or a tenant; compared with {@code
   *     equals}
   * @return the counters of {@code key}
   */
  public LocalMetrics local(Object key) {
    Objects.requireNonNull(key, "key");
    LocalMetrics existing = locals.get(key);
    return existing != null ? existing : locals.computeIfAbsent(key, k -> new LocalMetrics());
  }

  /**
   * Forgets the local counters of {@code key}, e.g. when a worker retires.
   *
   * @param key the key given to {@link #local}; a key without counters is ignored
   */
  public void removeLocal(Object key) {
    locals.remove(Objects.requireNonNull(key, "key"));
  }

  /**
   * Returns how many keys have local counters.
   *
   * @return the number of keys created by {@link #local} and not removed
   */
  public int localKeyCount() {
    return locals.size();
  }

  private static String ucum(TimeUnit unit) {
    return switch (unit) {
      case NANOSECONDS -> "ns";
      case MICROSECONDS -> "us";
      case MILLISECONDS -> "ms";
      case SECONDS -> "s";
      case MINUTES -> "min";
      case HOURS -> "h";
      case DAYS -> "d";
    };
  }

  /** Unregisters the observable instruments; the local counters keep working. Idempotent. */
  @Override
  public void close() {
    requestsInstrument.close();
    errorsInstrument.close();
    connectionsInstrument.close();
  }
}
