package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;

import dev.shuttle.metrics.RequestStats;
import dev.shuttle.sync.WaitGroup;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;

/**
 * The guide's "原子操作和内存模型优化" {@code OptimizedMetricsCollector} on {@link RequestStats}: {@value
 * #GOROUTINES} goroutines record {@value #REQUESTS_PER_GOROUTINE} requests each without a lock,
 * each recording in a {@code record-request} span (child of {@code collect-requests}) with the
 * guide's {@code request.count}, {@code error.count} and {@code avg.latency.ms}; the statistics —
 * count, errors, total and average latency, error rate, last request — are exported as observable
 * instruments read from one snapshot per collection.
 *
 * <p>Fixes the guide's defect: its error rate divides by zero before the first request (NaN); here
 * it is 0, which the scenario checks and records on {@code collect-requests} as {@code
 * error_rate.before_first}. The span attributes come from one snapshot, so a span never shows more
 * errors than requests (the guide loads each counter separately while other goroutines write).
 */
public final class AtomicMetricsScenario implements Scenario {
  static final String NAMESPACE = "optimized_metrics";
  static final int GOROUTINES = 4;
  static final int REQUESTS_PER_GOROUTINE = 10;

  /** Every request whose number (from 1) is a multiple of this fails. */
  static final int FAIL_EVERY = 4;

  static final AttributeKey<Long> REQUEST_COUNT = longKey("request.count");
  static final AttributeKey<Long> ERROR_COUNT = longKey("error.count");
  static final AttributeKey<Double> AVG_LATENCY_MS = doubleKey("avg.latency.ms");
  static final AttributeKey<Boolean> REQUEST_SUCCESS = booleanKey("request.success");
  static final AttributeKey<Double> ERROR_RATE = doubleKey("error_rate");
  static final AttributeKey<Double> ERROR_RATE_BEFORE_FIRST = doubleKey("error_rate.before_first");

  /** The simulated request durations cycle through 1 to {@value #MAX_LATENCY_MILLIS} ms. */
  static final int MAX_LATENCY_MILLIS = 4;

  private Tracer tracer = OpenTelemetry.noop().getTracer("optimized-metrics");

  @Override
  public String name() {
    return "atomic-metrics";
  }

  @Override
  public String description() {
    return "lock-free request statistics (error rate 0 before the first request), observable";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    tracer = openTelemetry.getTracer("optimized-metrics");
    RequestStats stats = new RequestStats();
    Span span = tracer.spanBuilder("collect-requests").startSpan();
    try (Scope ignored = span.makeCurrent();
        BatchCallback exported =
            stats.bind(
                openTelemetry.getMeter("optimized-metrics"), NAMESPACE, Attributes.empty())) {
      double before = stats.errorRate();
      if (before != 0.0) { // the guide's GetStatistics gives NaN here
        throw new IllegalStateException("error rate before the first request: " + before);
      }
      span.setAttribute(ERROR_RATE_BEFORE_FIRST, before);

      WaitGroup wg = new WaitGroup();
      for (int g = 0; g < GOROUTINES; g++) {
        wg.go(() -> requests(stats));
      }
      wg.await();

      RequestStats.Snapshot after = stats.snapshot();
      long requests = (long) GOROUTINES * REQUESTS_PER_GOROUTINE;
      long errors = (long) GOROUTINES * (REQUESTS_PER_GOROUTINE / FAIL_EVERY);
      if (after.count() != requests || after.errors() != errors) {
        throw new IllegalStateException("lost updates: " + after);
      }
      RequestStats.RequestInfo last =
          after.lastRequest().orElseThrow(() -> new IllegalStateException("no last request"));
      span.setAttribute(REQUEST_COUNT, after.count());
      span.setAttribute(ERROR_COUNT, after.errors());
      span.setAttribute(AVG_LATENCY_MS, millis(after.averageLatency()));
      span.setAttribute(ERROR_RATE, after.errorRate());
      span.setAttribute(booleanKey("last_request.success"), last.success());
      span.setAttribute(doubleKey("last_request.duration_ms"), millis(last.duration()));
      MetricExport.now(openTelemetry); // closing unregisters the observable instruments
    } finally {
      span.end();
    }
  }

  /** One goroutine's requests: each is simulated work, then recorded lock-free. */
  private void requests(RequestStats stats) throws InterruptedException {
    for (int n = 1; n <= REQUESTS_PER_GOROUTINE; n++) {
      long start = System.nanoTime();
      Work.simulate(Duration.ofMillis(1 + n % MAX_LATENCY_MILLIS));
      Duration latency = Duration.ofNanos(System.nanoTime() - start);
      boolean success = n % FAIL_EVERY != 0;
      stats.record(latency, success);

      Span span = tracer.spanBuilder("record-request").startSpan(); // the guide's span
      try {
        RequestStats.Snapshot now = stats.snapshot();
        span.setAttribute(REQUEST_SUCCESS, success);
        span.setAttribute(REQUEST_COUNT, now.count());
        span.setAttribute(ERROR_COUNT, now.errors());
        span.setAttribute(AVG_LATENCY_MS, millis(now.averageLatency()));
      } finally {
        span.end();
      }
    }
  }

  private static double millis(Duration duration) {
    return duration.toNanos() / 1e6;
  }
}
