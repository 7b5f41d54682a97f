package dev.shuttle.metrics;

import dev.shuttle.internal.Checks;
import dev.shuttle.telemetry.CollectorMetricNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Lock-free request statistics (an atomic metrics collector): count, errors, total and average
 * latency, error rate and the last request, recorded without locks and readable at any time; {@link
 * #bind} exports them as OpenTelemetry observable instruments.
 *
 * {@snippet :
 * RequestStats stats = RequestStats.create();
 * long start = System.nanoTime();
 * boolean ok = handle(request);
 * stats.record(Duration.ofNanos(System.nanoTime() - start), ok);
 * RequestStats.Snapshot now = stats.snapshot(); // errorRate() is 0 before the first request
 * }
 *
 * <p>The error rate is 0, not NaN, before the first request; recording starts no span (a span per
 * metric recording doubles the cost of the request it measures); latencies are exported in seconds.
 *
 * <p>Implementation note: {@code count}, {@code errors} and {@code totalNanos} are {@link
 * LongAdder}s (no lock, no CAS retry loop under contention); {@code last} is an {@link
 * AtomicReference} to an immutable {@link RequestInfo}, published with release semantics and read
 * with acquire semantics. A writer adds to {@code count} before {@code errors}, and {@link
 * #snapshot()} reads {@code errors} before {@code count}, so a snapshot never shows more errors
 * than requests (an error rate never above 1). The figures are not one atomic snapshot while
 * writers run (the average may include a latency whose request is not counted yet); they are exact
 * once writers are quiet. Thread-safe.
 */
public final class RequestStats {
  private static final double NANOS_PER_SECOND = 1e9;

  private final LongAdder count = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder totalNanos = new LongAdder();
  private final AtomicReference<@Nullable RequestInfo> last = new AtomicReference<>();

  private RequestStats() {}

  /**
   * Returns new, empty statistics.
   *
   * @return statistics with no request recorded
   */
  public static RequestStats create() {
    return new RequestStats();
  }

  /**
   * What is known about one recorded request.
   *
   * @param timestamp when it was recorded
   * @param duration how long it took
   * @param success whether it succeeded
   */
  public record RequestInfo(Instant timestamp, Duration duration, boolean success) {}

  /**
   * The statistics at one moment.
   *
   * @param count requests recorded
   * @param errors failed requests recorded, never more than {@code count}
   * @param totalLatency the sum of their latencies
   * @param averageLatency {@code totalLatency / count}, zero before the first request
   * @param errorRate {@code errors / count}, 0 before the first request
   * @param lastRequest the most recently recorded request, if any
   */
  public record Snapshot(
      long count,
      long errors,
      Duration totalLatency,
      Duration averageLatency,
      double errorRate,
      Optional<RequestInfo> lastRequest) {}

  /**
   * Records one request.
   *
   * @param latency how long the request took
   * @param success {@code false} if the request failed, which counts it as an error too
   * @throws IllegalArgumentException if {@code latency} is negative
   */
  public void record(Duration latency, boolean success) {
    long nanos = Checks.nonNegative(latency, "latency").toNanos();
    totalNanos.add(nanos);
    count.increment();
    if (!success) {
      errors.increment();
    }
    last.setRelease(new RequestInfo(Instant.now(), latency, success));
  }

  /**
   * Returns the number of requests recorded.
   *
   * @return the requests recorded so far, failed ones included
   */
  public long count() {
    return count.sum();
  }

  /**
   * Returns the number of failed requests recorded.
   *
   * @return the failed requests recorded so far
   */
  public long errors() {
    return errors.sum();
  }

  /**
   * Returns the sum of all recorded latencies.
   *
   * @return the total latency of the requests recorded so far
   */
  public Duration totalLatency() {
    return Duration.ofNanos(totalNanos.sum());
  }

  /**
   * Returns the mean latency, or {@link Duration#ZERO} before the first request.
   *
   * @return the total latency divided by the number of requests, rounded down to a nanosecond
   */
  public Duration averageLatency() {
    return snapshot().averageLatency();
  }

  /**
   * Returns errors divided by requests, or 0 before the first request.
   *
   * @return the share of failed requests, between 0 and 1
   */
  public double errorRate() {
    return snapshot().errorRate();
  }

  /**
   * Returns the most recently recorded request, or empty before the first.
   *
   * @return the request recorded last, if any
   */
  public Optional<RequestInfo> lastRequest() {
    return Optional.ofNullable(last.getAcquire());
  }

  /**
   * Returns every figure at once; see the class note on consistency.
   *
   * @return the count, errors, latencies, error rate and last request, read together
   */
  public Snapshot snapshot() {
    long e = errors.sum(); // before count: e <= c
    long c = count.sum();
    long total = totalNanos.sum();
    Duration average = c == 0 ? Duration.ZERO : Duration.ofNanos(total / c);
    double rate = c == 0 ? 0.0 : (double) e / c;
    return new Snapshot(
        c, e, Duration.ofNanos(total), average, rate, Optional.ofNullable(last.getAcquire()));
  }

  /**
   * Exports the statistics as observable instruments on {@code meter} under {@code namespace}:
   * {@code <ns>.requests} and {@code <ns>.errors} (counters), {@code <ns>.request.duration.total}
   * (counter, seconds), {@code <ns>.request.duration.average} (gauge, seconds) and {@code
   * <ns>.error_rate} (gauge) — all read from one {@link #snapshot()} per collection, each point
   * with {@code attributes}. Close the returned callback to unregister them.
   *
   * @param meter the meter that registers the instruments
   * @param namespace the prefix of every instrument name, as {@code checkout} in {@code
   *     checkout.requests}
   * @param attributes the attributes of every exported point
   * @return the registered callback; closing it unregisters the instruments
   * @throws IllegalArgumentException if {@code namespace} is blank
   */
  public BatchCallback bind(Meter meter, String namespace, Attributes attributes) {
    Objects.requireNonNull(meter, "meter");
    Checks.notBlank(namespace, "namespace");
    Objects.requireNonNull(attributes, "attributes");
    ObservableLongMeasurement requests =
        meter
            .counterBuilder(namespace + "." + CollectorMetricNames.REQUESTS)
            .setUnit("{request}")
            .setDescription("Requests recorded.")
            .buildObserver();
    ObservableLongMeasurement failed =
        meter
            .counterBuilder(namespace + "." + CollectorMetricNames.ERRORS)
            .setUnit("{error}")
            .setDescription("Failed requests recorded.")
            .buildObserver();
    ObservableDoubleMeasurement total =
        meter
            .counterBuilder(namespace + "." + CollectorMetricNames.REQUEST_DURATION_TOTAL)
            .ofDoubles()
            .setUnit("s")
            .setDescription("Sum of the latencies of all recorded requests.")
            .buildObserver();
    ObservableDoubleMeasurement average =
        meter
            .gaugeBuilder(namespace + "." + CollectorMetricNames.REQUEST_DURATION_AVERAGE)
            .setUnit("s")
            .setDescription("Mean latency of all recorded requests.")
            .buildObserver();
    ObservableDoubleMeasurement rate =
        meter
            .gaugeBuilder(namespace + "." + CollectorMetricNames.ERROR_RATE)
            .setUnit("1")
            .setDescription("Failed requests divided by requests; 0 before the first request.")
            .buildObserver();
    return meter.batchCallback(
        () -> {
          Snapshot s = snapshot();
          requests.record(s.count(), attributes);
          failed.record(s.errors(), attributes);
          total.record(s.totalLatency().toNanos() / NANOS_PER_SECOND, attributes);
          average.record(s.averageLatency().toNanos() / NANOS_PER_SECOND, attributes);
          rate.record(s.errorRate(), attributes);
        },
        requests,
        failed,
        total,
        average,
        rate);
  }

  @Override
  public String toString() {
    Snapshot s = snapshot();
    return "RequestStats{count="
        + s.count()
        + ", errors="
        + s.errors()
        + ", average="
        + s.averageLatency()
        + "}";
  }
}
