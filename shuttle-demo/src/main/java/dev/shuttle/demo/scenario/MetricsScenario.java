package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.metrics.ConcurrentMetrics;
import dev.shuttle.metrics.LocalMetrics;
import dev.shuttle.sync.WaitGroup;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The guide's "并发安全的 Metrics" ({@code ConcurrentMetrics}) on Shuttle's {@link ConcurrentMetrics},
 * with the guide's instrument names ({@code requests.count}, {@code errors.count}, {@code
 * request.latency} in ms, {@code connections.active}): {@value #GOROUTINES} goroutines handle
 * {@value #REQUESTS_PER_GOROUTINE} requests each, and each also counts its own in its local metrics
 * (the guide's {@code GetGoroutineMetrics}).
 */
public final class MetricsScenario implements Scenario {
  static final int GOROUTINES = 8;
  static final int REQUESTS_PER_GOROUTINE = 20;
  static final int FAIL_EVERY = 5; // requests 5, 10, 15 and 20 of each goroutine fail
  static final List<String> ROUTES = List.of("/cart", "/checkout");
  static final AttributeKey<String> HTTP_ROUTE = stringKey("http.route");
  static final AttributeKey<Long> GOROUTINE_ID = longKey("goroutine.id");
  static final AttributeKey<Long> REQUESTS_COUNT = longKey("requests.count");
  static final AttributeKey<Long> ERRORS_COUNT = longKey("errors.count");
  private static final Duration WORK = Duration.ofMillis(1);

  @Override
  public String name() {
    return "metrics";
  }

  @Override
  public String description() {
    return "concurrency-safe metrics: local counters mirrored to OTel, an atomic per-key map";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    Span span =
        openTelemetry
            .getTracer("concurrent-metrics")
            .spanBuilder("concurrent-requests")
            .startSpan();
    // the guide's instrument names; Shuttle's defaults follow OpenTelemetry's naming guidance
    try (Scope ignored = span.makeCurrent();
        ConcurrentMetrics metrics =
            ConcurrentMetrics.builder(openTelemetry.getMeter("concurrent-metrics"))
                .requestsName("requests.count")
                .errorsName("errors.count")
                .latencyName("request.latency", TimeUnit.MILLISECONDS)
                .connectionsName("connections.active")
                .build()) {
      WaitGroup wg = WaitGroup.create();
      for (long g = 0; g < GOROUTINES; g++) {
        long id = g;
        wg.go("handle-requests", Attributes.of(GOROUTINE_ID, id), () -> handle(metrics, id));
      }
      wg.await();
      span.setAttribute(REQUESTS_COUNT, metrics.requestCount()); // GetRequestCount: no SDK read
      span.setAttribute(ERRORS_COUNT, metrics.errorCount());
      MetricExport.now(openTelemetry); // before close() unregisters the observable instruments
    } finally {
      span.end();
    }
  }

  private static void handle(ConcurrentMetrics metrics, long goroutineId)
      throws InterruptedException {
    // Shuttle fixes the guide's GetGoroutineMetrics, whose load-then-store loses a racing create
    LocalMetrics own = metrics.local(goroutineId);
    for (int n = 1; n <= REQUESTS_PER_GOROUTINE; n++) {
      Attributes route = Attributes.of(HTTP_ROUTE, ROUTES.get(n % ROUTES.size()));
      long start = System.nanoTime();
      metrics.connectionOpened();
      Work.simulate(WORK);
      metrics.incrementRequest(route);
      own.incrementRequest();
      if (n % FAIL_EVERY == 0) {
        metrics.incrementError(route);
        own.incrementError();
      }
      metrics.connectionClosed();
      metrics.recordLatency(Duration.ofNanos(System.nanoTime() - start), route);
    }
    Span.current().setAttribute(REQUESTS_COUNT, own.requestCount());
    Span.current().setAttribute(ERRORS_COUNT, own.errorCount());
  }
}
