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
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;

/**
 * The guide's "并发安全的 Metrics" {@code ConcurrentMetrics} on {@link ConcurrentMetrics}: {@value
 * #GOROUTINES} goroutines ({@code handle-requests} spans under {@code concurrent-requests}) handle
 * {@value #REQUESTS_PER_GOROUTINE} requests each, counting requests, errors, latency and open
 * connections through fast local counters that OpenTelemetry reads at collection time; each also
 * counts into the per-key map, under its own key and under the shared key of the request's route.
 * The scenario checks that the local counts, the per-key counts and (in its test) the exported
 * values all equal the requests made.
 *
 * <p>Fixes the guide's defect: its per-goroutine map loads then stores, so two goroutines creating
 * the same key at once each store their own counters and one's updates are lost; {@link
 * ConcurrentMetrics#local} is an atomic get-or-create, and the goroutines here race on the shared
 * route keys. The guide's {@code .count} suffixes are dropped (OpenTelemetry's naming guidance) and
 * latency is in seconds.
 */
public final class MetricsScenario implements Scenario {
  static final String NAMESPACE = "concurrent_metrics";
  static final int GOROUTINES = 8;
  static final int REQUESTS_PER_GOROUTINE = 20;

  /** Every request whose number (from 1) is a multiple of this fails. */
  static final int FAIL_EVERY = 5;

  static final List<String> ROUTES = List.of("/cart", "/checkout");
  static final AttributeKey<String> HTTP_ROUTE = stringKey("http.route");
  static final AttributeKey<Long> GOROUTINE_ID = longKey("goroutine.id");

  private static final Duration SIMULATED_WORK = Duration.ofMillis(1);

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
    Tracer tracer = openTelemetry.getTracer("concurrent-metrics");
    Span span = tracer.spanBuilder("concurrent-requests").startSpan();
    try (Scope ignored = span.makeCurrent();
        ConcurrentMetrics metrics =
            ConcurrentMetrics.create(openTelemetry.getMeter("concurrent-metrics"), NAMESPACE)) {
      WaitGroup wg = new WaitGroup();
      for (int g = 0; g < GOROUTINES; g++) {
        long id = g;
        wg.go("handle-requests", Attributes.of(GOROUTINE_ID, id), () -> handle(metrics, id));
      }
      wg.await();
      check(metrics);
      span.setAttribute(longKey("requests.count"), metrics.requestCount());
      span.setAttribute(longKey("errors.count"), metrics.errorCount());
      span.setAttribute(longKey("metrics.local_keys"), (long) metrics.localKeyCount());
      MetricExport.now(openTelemetry); // closing unregisters the observable instruments
    } finally {
      span.end();
    }
  }

  private static void handle(ConcurrentMetrics metrics, long goroutineId)
      throws InterruptedException {
    LocalMetrics own = metrics.local(goroutineId);
    for (int n = 1; n <= REQUESTS_PER_GOROUTINE; n++) {
      String route = ROUTES.get(n % ROUTES.size());
      Attributes attributes = Attributes.of(HTTP_ROUTE, route);
      LocalMetrics shared = metrics.local(route); // raced on by every goroutine
      long start = System.nanoTime();
      metrics.connectionOpened();
      try {
        Work.simulate(SIMULATED_WORK);
        metrics.incrementRequest(attributes);
        own.incrementRequest();
        shared.incrementRequest();
        if (n % FAIL_EVERY == 0) {
          metrics.incrementError(attributes);
          own.incrementError();
          shared.incrementError();
        }
      } finally {
        metrics.connectionClosed();
        metrics.recordLatency(Duration.ofNanos(System.nanoTime() - start), attributes);
      }
    }
    Span.current().setAttribute(longKey("requests.count"), own.requestCount());
  }

  /** The fast counters and the per-key map agree with the requests made: nothing lost. */
  private static void check(ConcurrentMetrics metrics) {
    long requests = (long) GOROUTINES * REQUESTS_PER_GOROUTINE;
    long errors = (long) GOROUTINES * (REQUESTS_PER_GOROUTINE / FAIL_EVERY);
    expect("requests", metrics.requestCount(), requests);
    expect("errors", metrics.errorCount(), errors);
    expect("open connections", metrics.activeConnections(), 0);
    expect("local keys", metrics.localKeyCount(), GOROUTINES + ROUTES.size());
    long perGoroutine = 0;
    for (long g = 0; g < GOROUTINES; g++) {
      perGoroutine += metrics.local(g).requestCount();
    }
    expect("requests counted per goroutine", perGoroutine, requests);
    for (String route : ROUTES) {
      expect(
          "requests to " + route,
          metrics.local(route).requestCount(),
          metrics.requestCount(Attributes.of(HTTP_ROUTE, route)));
    }
    expect(
        "requests counted per route",
        metrics.local(ROUTES.get(0)).requestCount() + metrics.local(ROUTES.get(1)).requestCount(),
        requests);
  }

  private static void expect(String what, long actual, long expected) {
    if (actual != expected) {
      throw new IllegalStateException(what + ": expected " + expected + " but counted " + actual);
    }
  }
}
