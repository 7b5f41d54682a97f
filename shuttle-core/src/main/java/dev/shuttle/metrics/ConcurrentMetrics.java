package dev.shuttle.metrics;

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
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * Concurrency-safe request metrics (the guide's {@code ConcurrentMetrics}): counters are {@link
 * LongAdder}s, the fastest contended counter on the JVM, and OpenTelemetry reads their sums through
 * observable instruments at collection time, so the hot path is one adder increment and never
 * touches the SDK. Latency goes to an OpenTelemetry histogram directly (a histogram cannot be
 * rebuilt from sums). A per-key map of {@link LocalMetrics} replaces the guide's per-goroutine
 * {@code sync.Map}, with an atomic get-or-create.
 *
 * {@snippet :
 * ConcurrentMetrics metrics = ConcurrentMetrics.create("checkout");
 * metrics.incrementRequest(Attributes.of(HTTP_ROUTE, "/cart"));
 * metrics.recordLatency(elapsed, Attributes.of(HTTP_ROUTE, "/cart"));
 * metrics.local(Thread.currentThread().threadId()).incrementRequest();
 * long total = metrics.requestCount(); // read locally, no SDK needed
 * }
 *
 * <p>Instruments, under the namespace given at creation: {@code <ns>.requests}, {@code <ns>.errors}
 * (observable counters), {@code <ns>.connections.active} (observable up-down counter), {@code
 * <ns>.request.duration} (histogram, seconds); see {@link CollectorMetricNames}. Close the instance
 * to unregister its observable instruments.
 *
 * <p>Thread-safe. Implementation note: every counter is an {@link AdderMap}; the only shared
 * mutable structures are {@link ConcurrentHashMap}s written with {@code computeIfAbsent}, and the
 * observable callbacks read sums without locks, so recording never blocks on collection.
 */
public final class ConcurrentMetrics implements AutoCloseable {
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-/]{0,200}");
  private static final double NANOS_PER_SECOND = 1e9;

  private final AdderMap requests = new AdderMap();
  private final AdderMap errors = new AdderMap();
  private final LongAdder connections = new LongAdder();
  private final ConcurrentHashMap<Object, LocalMetrics> locals = new ConcurrentHashMap<>();
  private final DoubleHistogram latency;
  private final ObservableLongCounter requestsInstrument;
  private final ObservableLongCounter errorsInstrument;
  private final ObservableLongUpDownCounter connectionsInstrument;

  private ConcurrentMetrics(Meter meter, String namespace) {
    latency =
        meter
            .histogramBuilder(namespace + "." + CollectorMetricNames.REQUEST_DURATION)
            .setUnit("s")
            .setDescription("Request latency.")
            .build();
    requestsInstrument =
        meter
            .counterBuilder(namespace + "." + CollectorMetricNames.REQUESTS)
            .setUnit("{request}")
            .setDescription("Requests counted.")
            .buildWithCallback(requests::observe);
    errorsInstrument =
        meter
            .counterBuilder(namespace + "." + CollectorMetricNames.ERRORS)
            .setUnit("{error}")
            .setDescription("Failed requests counted.")
            .buildWithCallback(errors::observe);
    connectionsInstrument =
        meter
            .upDownCounterBuilder(namespace + "." + CollectorMetricNames.CONNECTIONS_ACTIVE)
            .setUnit("{connection}")
            .setDescription("Connections open now.")
            .buildWithCallback(m -> m.record(connections.sum()));
  }

  /**
   * Creates the metrics under {@code namespace} on Shuttle's meter ({@link
   * ShuttleTelemetry#meter()}).
   *
   * @throws IllegalArgumentException if {@code namespace} is not a valid instrument-name prefix
   */
  public static ConcurrentMetrics create(String namespace) {
    return create(ShuttleTelemetry.meter(), namespace);
  }

  /**
   * Creates the metrics under {@code namespace} on {@code meter}.
   *
   * @throws IllegalArgumentException if {@code namespace} is not a valid instrument-name prefix: a
   *     letter, then letters, digits, {@code _ . - /}, at most 201 characters
   */
  public static ConcurrentMetrics create(Meter meter, String namespace) {
    Objects.requireNonNull(meter, "meter");
    Objects.requireNonNull(namespace, "namespace");
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "namespace must start with a letter and contain only letters, digits and _ . - /"
              + " (at most 201 characters), but was '"
              + namespace
              + "'");
    }
    return new ConcurrentMetrics(meter, namespace);
  }

  /** Counts one request without attributes. */
  public void incrementRequest() {
    requests.add(1, Attributes.empty());
  }

  /**
   * Counts one request under {@code attributes}; keep them low-cardinality (after 2000 distinct
   * sets, further ones are counted under {@code otel.metric.overflow=true}).
   */
  public void incrementRequest(Attributes attributes) {
    requests.add(1, Objects.requireNonNull(attributes, "attributes"));
  }

  /** Counts one failed request without attributes. */
  public void incrementError() {
    errors.add(1, Attributes.empty());
  }

  /** Counts one failed request under {@code attributes}. */
  public void incrementError(Attributes attributes) {
    errors.add(1, Objects.requireNonNull(attributes, "attributes"));
  }

  /**
   * Records one request's latency, in seconds, under {@code attributes}.
   *
   * @throws IllegalArgumentException if {@code latency} is negative
   */
  public void recordLatency(Duration latency, Attributes attributes) {
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(attributes, "attributes");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, but was " + latency);
    }
    try {
      this.latency.record(latency.toNanos() / NANOS_PER_SECOND, attributes);
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

  /** Returns the requests counted so far, under every attribute set. */
  public long requestCount() {
    return requests.sum();
  }

  /** Returns the requests counted so far under exactly {@code attributes}. */
  public long requestCount(Attributes attributes) {
    return requests.sum(Objects.requireNonNull(attributes, "attributes"));
  }

  /** Returns the failed requests counted so far, under every attribute set. */
  public long errorCount() {
    return errors.sum();
  }

  /** Returns the connections open now. */
  public long activeConnections() {
    return connections.sum();
  }

  /**
   * Returns the local counters of {@code key}, creating them atomically on first use: every thread
   * asking for the same key gets the same instance. Local counters are never exported.
   */
  public LocalMetrics local(Object key) {
    Objects.requireNonNull(key, "key");
    LocalMetrics existing = locals.get(key);
    return existing != null ? existing : locals.computeIfAbsent(key, k -> new LocalMetrics());
  }

  /** Forgets the local counters of {@code key}, e.g. when a worker retires. */
  public void removeLocal(Object key) {
    locals.remove(Objects.requireNonNull(key, "key"));
  }

  /** Returns how many keys have local counters. */
  public int localKeyCount() {
    return locals.size();
  }

  /** Unregisters the observable instruments; the local counters keep working. Idempotent. */
  @Override
  public void close() {
    requestsInstrument.close();
    errorsInstrument.close();
    connectionsInstrument.close();
  }
}
