package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;

import dev.shuttle.metrics.RequestStats;
import dev.shuttle.sync.WaitGroup;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;

/**
 * The guide's "原子操作和内存模型优化" ({@code OptimizedMetricsCollector}) on Shuttle's lock-free {@link
 * RequestStats}: {@value #GOROUTINES} goroutines record {@value #REQUESTS_PER_GOROUTINE} requests
 * each, each in a {@code record-request} span with the guide's {@code request.count}, {@code
 * error.count} and {@code avg.latency.ms}; the guide's {@code GetStatistics} figures go on {@code
 * collect-requests}, and the statistics are exported as observable instruments.
 */
public final class AtomicMetricsScenario implements Scenario {
  static final String NAMESPACE = "optimized_metrics";
  static final int GOROUTINES = 4;
  static final int REQUESTS_PER_GOROUTINE = 10;
  static final int FAIL_EVERY = 4; // requests 4 and 8 of each goroutine fail
  static final int MAX_LATENCY_MILLIS = 4; // request n takes 1 + n % 4 ms

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
    Tracer tracer = openTelemetry.getTracer("optimized-metrics");
    RequestStats stats = RequestStats.create();
    Span span = tracer.spanBuilder("collect-requests").startSpan();
    try (Scope ignored = span.makeCurrent();
        BatchCallback exported =
            stats.bind(
                openTelemetry.getMeter("optimized-metrics"), NAMESPACE, Attributes.empty())) {
      // Shuttle fixes the guide's GetStatistics, whose error rate is NaN before the first request
      span.setAttribute(doubleKey("error_rate.before_first"), stats.errorRate());
      WaitGroup wg = WaitGroup.create();
      for (int g = 0; g < GOROUTINES; g++) {
        wg.go(() -> requests(tracer, stats));
      }
      wg.await();
      RequestStats.Snapshot statistics = stats.snapshot(); // GetStatistics, from one snapshot
      span.setAttribute(longKey("total_requests"), statistics.count());
      span.setAttribute(longKey("total_errors"), statistics.errors());
      span.setAttribute(doubleKey("avg_latency_ms"), millis(statistics.averageLatency()));
      span.setAttribute(doubleKey("error_rate"), statistics.errorRate());
      MetricExport.now(openTelemetry); // before close() unregisters the observable instruments
    } finally {
      span.end();
    }
  }

  /** One goroutine's requests, each recorded as the guide's RecordRequest does. */
  private static void requests(Tracer tracer, RequestStats stats) throws InterruptedException {
    for (int n = 1; n <= REQUESTS_PER_GOROUTINE; n++) {
      long start = System.nanoTime();
      Work.simulate(Duration.ofMillis(1 + n % MAX_LATENCY_MILLIS));
      boolean success = n % FAIL_EVERY != 0;
      stats.record(Duration.ofNanos(System.nanoTime() - start), success);

      // one snapshot, so a span never shows more errors than requests (the guide loads each alone)
      RequestStats.Snapshot now = stats.snapshot();
      tracer
          .spanBuilder("record-request")
          .setAttribute(booleanKey("request.success"), success)
          .setAttribute(longKey("request.count"), now.count())
          .setAttribute(longKey("error.count"), now.errors())
          .setAttribute(doubleKey("avg.latency.ms"), millis(now.averageLatency()))
          .startSpan()
          .end();
    }
  }

  private static double millis(Duration duration) {
    return duration.toNanos() / 1e6;
  }
}
