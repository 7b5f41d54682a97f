package dev.shuttle.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(20)
class ConcurrentMetricsTest {
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");

  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void concurrentIncrementsAreAllCountedLocallyAndInOpenTelemetry() throws Exception {
    // given
    ConcurrentMetrics metrics = ConcurrentMetrics.create(telemetry.meter(), "checkout");
    int threads = 8;
    int perThread = 10_000;
    Attributes cart = Attributes.of(ROUTE, "/cart");

    // when
    runTogether(
        threads,
        () -> {
          for (int i = 0; i < perThread; i++) {
            metrics.incrementRequest();
            metrics.incrementRequest(cart);
            if (i % 10 == 0) {
              metrics.incrementError(cart);
            }
          }
        });

    // then
    long total = (long) threads * perThread;
    assertThat(metrics.requestCount()).isEqualTo(2 * total);
    assertThat(metrics.requestCount(cart)).isEqualTo(total);
    assertThat(metrics.errorCount()).isEqualTo(total / 10);
    assertThat(telemetry.longValue("checkout.requests", Attributes.empty())).isEqualTo(total);
    assertThat(telemetry.longValue("checkout.requests", cart)).isEqualTo(total);
    assertThat(telemetry.longValue("checkout.errors", cart)).isEqualTo(total / 10);
  }

  @Test
  void localCountersOfOneKeyAreCreatedOnceEvenWhenThreadsRaceToCreateThem() throws Exception {
    // given: many fresh keys, each raced for by every thread at the same moment
    ConcurrentMetrics metrics = ConcurrentMetrics.create(telemetry.meter(), "race");
    int threads = 8;
    int keys = 2_000;
    Set<LocalMetrics> seen = ConcurrentHashMap.newKeySet();
    CyclicBarrier barrier = new CyclicBarrier(threads);

    // when
    runTogether(
        threads,
        () -> {
          for (int k = 0; k < keys; k++) {
            if (k % 100 == 0) {
              barrier.await();
            }
            LocalMetrics local = metrics.local("worker-" + k);
            local.incrementRequest();
            seen.add(local);
          }
        });

    // then: one instance per key, and no increment lost to a replaced instance
    assertThat(seen).hasSize(keys);
    assertThat(metrics.localKeyCount()).isEqualTo(keys);
    for (int k = 0; k < keys; k++) {
      assertThat(metrics.local("worker-" + k).requestCount()).isEqualTo(threads);
    }
    metrics.removeLocal("worker-0");
    assertThat(metrics.local("worker-0").requestCount()).isZero();
  }

  @Test
  void connectionsGoUpAndDownAndLatencyIsRecordedInSeconds() {
    // given
    ConcurrentMetrics metrics = ConcurrentMetrics.create(telemetry.meter(), "server");

    // when
    metrics.connectionOpened();
    metrics.connectionOpened();
    metrics.connectionClosed();
    metrics.recordLatency(Duration.ofMillis(250), Attributes.empty());

    // then
    assertThat(metrics.activeConnections()).isEqualTo(1);
    assertThat(telemetry.longValue("server.connections.active", Attributes.empty())).isEqualTo(1);
    MetricData latency = telemetry.metric("server.request.duration").orElseThrow();
    assertThat(latency.getUnit()).isEqualTo("s");
    HistogramPointData point = latency.getHistogramData().getPoints().iterator().next();
    assertThat(point.getSum()).isEqualTo(0.25);
    assertThat(point.getCount()).isEqualTo(1);
  }

  @Test
  void closeUnregistersTheObservableInstrumentsButLocalCountsGoOn() {
    // given
    ConcurrentMetrics metrics = ConcurrentMetrics.create(telemetry.meter(), "closing");
    metrics.incrementRequest();

    // when
    metrics.close();
    metrics.incrementRequest();

    // then
    assertThat(telemetry.metric("closing.requests")).isEmpty();
    assertThat(metrics.requestCount()).isEqualTo(2);
  }

  @Test
  void badInputIsRejectedWithAClearMessage() {
    var meter = telemetry.meter();
    assertThatThrownBy(() -> ConcurrentMetrics.create(meter, "1bad"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace must start with a letter")
        .hasMessageContaining("'1bad'");
    assertThatThrownBy(() -> ConcurrentMetrics.create(meter, ""))
        .isInstanceOf(IllegalArgumentException.class);
    ConcurrentMetrics metrics = ConcurrentMetrics.create(meter, "ok");
    assertThatThrownBy(() -> metrics.recordLatency(Duration.ofMillis(-1), Attributes.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("latency must not be negative, but was PT-0.001S");
    assertThatThrownBy(() -> metrics.local(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> metrics.incrementRequest(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void theBuilderNamesEveryInstrumentAndRecordsLatencyInTheChosenUnit() {
    // given
    ConcurrentMetrics metrics =
        ConcurrentMetrics.builder(telemetry.meter())
            .requestsName("requests.count")
            .errorsName("errors.count")
            .latencyName("request.latency", TimeUnit.MILLISECONDS)
            .connectionsName("connections.active")
            .build();

    // when
    metrics.incrementRequest();
    metrics.incrementRequest();
    metrics.incrementError();
    metrics.connectionOpened();
    metrics.recordLatency(Duration.ofMillis(250), Attributes.empty());
    metrics.recordLatency(Duration.ofNanos(1_500_000), Attributes.empty());

    // then: exactly the chosen names, the latency in milliseconds
    assertThat(telemetry.collectMetrics())
        .extracting(MetricData::getName)
        .containsExactlyInAnyOrder(
            "requests.count", "errors.count", "request.latency", "connections.active");
    assertThat(telemetry.longValue("requests.count", Attributes.empty())).isEqualTo(2);
    assertThat(telemetry.longValue("errors.count", Attributes.empty())).isEqualTo(1);
    assertThat(telemetry.longValue("connections.active", Attributes.empty())).isEqualTo(1);
    MetricData latency = telemetry.metric("request.latency").orElseThrow();
    assertThat(latency.getUnit()).isEqualTo("ms");
    HistogramPointData point = latency.getHistogramData().getPoints().iterator().next();
    assertThat(point.getSum()).isEqualTo(251.5);
    assertThat(point.getMax()).isEqualTo(250.0);
    assertThat(point.getCount()).isEqualTo(2);
  }

  @Test
  void aNamespacePrefixesChosenAndDefaultNamesAlike() {
    // given
    ConcurrentMetrics metrics =
        ConcurrentMetrics.builder(telemetry.meter())
            .namespace("shop")
            .requestsName("requests.count")
            .latencyName("request.latency", TimeUnit.MICROSECONDS)
            .build();

    // when
    metrics.incrementRequest();
    metrics.incrementError();
    metrics.recordLatency(Duration.ofMillis(2), Attributes.empty());

    // then
    assertThat(telemetry.collectMetrics())
        .extracting(MetricData::getName)
        .containsExactlyInAnyOrder(
            "shop.requests.count",
            "shop.errors",
            "shop.request.latency",
            "shop.connections.active");
    assertThat(telemetry.longValue("shop.requests.count", Attributes.empty())).isEqualTo(1);
    MetricData latency = telemetry.metric("shop.request.latency").orElseThrow();
    assertThat(latency.getUnit()).isEqualTo("us");
    assertThat(latency.getHistogramData().getPoints().iterator().next().getSum()).isEqualTo(2000.0);
  }

  @Test
  void createKeepsTheDefaultNamesUnderItsNamespace() {
    // given
    ConcurrentMetrics metrics = ConcurrentMetrics.create(telemetry.meter(), "api");

    // when
    metrics.incrementRequest();
    metrics.incrementError();
    metrics.recordLatency(Duration.ofSeconds(1), Attributes.empty());

    // then
    assertThat(telemetry.collectMetrics())
        .extracting(MetricData::getName)
        .containsExactlyInAnyOrder(
            "api.requests", "api.errors", "api.request.duration", "api.connections.active");
    assertThat(telemetry.metric("api.request.duration").orElseThrow().getUnit()).isEqualTo("s");
  }

  @Test
  void theBuilderRejectsBadNamesWithAClearMessage() {
    var meter = telemetry.meter();
    assertThatThrownBy(() -> ConcurrentMetrics.builder(meter).requestsName("requests count"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "requests name must start with a letter and contain only letters, digits and"
                + " _ . - / (at most 255 characters), but was 'requests count'");
    assertThatThrownBy(() -> ConcurrentMetrics.builder(meter).errorsName(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("errors name must start with a letter");
    assertThatThrownBy(
            () ->
                ConcurrentMetrics.builder(meter)
                    .latencyName("latency", TimeUnit.SECONDS)
                    .latencyName("latency.ms", TimeUnit.MILLISECONDS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("latency name was already set to 'latency'");
    assertThatThrownBy(
            () ->
                ConcurrentMetrics.builder(meter).requestsName("count").errorsName("count").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the requests and errors instruments are both named 'count'; give each its"
                + " own name");
    assertThatThrownBy(() -> ConcurrentMetrics.builder(meter).connectionsName("requests").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the requests and connections instruments are both named");
    String longName = "n".repeat(250);
    assertThatThrownBy(() -> ConcurrentMetrics.create(meter, longName))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "the requests instrument's name is longer than 255 characters with its namespace");
    assertThatThrownBy(() -> ConcurrentMetrics.builder(meter).latencyName("latency", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("unit");
    assertThatThrownBy(() -> ConcurrentMetrics.builder(meter).requestsName(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("requests name");
    assertThat(telemetry.collectMetrics()).as("nothing was registered").isEmpty();
  }

  /** Runs {@code body} on {@code threads} virtual threads and rethrows the first failure. */
  static void runTogether(int threads, ThrowingRunnable body) throws Exception {
    List<Thread> started = new ArrayList<>();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    for (int t = 0; t < threads; t++) {
      started.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      body.run();
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  }));
    }
    for (Thread t : started) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new AssertionError("a thread failed", failures.peek());
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
