package dev.shuttle.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ConcurrentMetricsTest {
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");

  private final MetricsTesting otel = new MetricsTesting();

  @AfterEach
  void closeProvider() {
    otel.close();
  }

  @Test
  void concurrentIncrementsAreAllCountedLocallyAndInOpenTelemetry() throws Exception {
    // given
    ConcurrentMetrics metrics = ConcurrentMetrics.create(otel.provider.get("test"), "checkout");
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
    assertThat(otel.longValue("checkout.requests", Attributes.empty())).isEqualTo(total);
    assertThat(otel.longValue("checkout.requests", cart)).isEqualTo(total);
    assertThat(otel.longValue("checkout.errors", cart)).isEqualTo(total / 10);
  }

  @Test
  void localCountersOfOneKeyAreCreatedOnceEvenWhenThreadsRaceToCreateThem() throws Exception {
    // given: many fresh keys, each raced for by every thread at the same moment
    ConcurrentMetrics metrics = ConcurrentMetrics.create(otel.provider.get("test"), "race");
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
    ConcurrentMetrics metrics = ConcurrentMetrics.create(otel.provider.get("test"), "server");

    // when
    metrics.connectionOpened();
    metrics.connectionOpened();
    metrics.connectionClosed();
    metrics.recordLatency(Duration.ofMillis(250), Attributes.empty());

    // then
    assertThat(metrics.activeConnections()).isEqualTo(1);
    assertThat(otel.longValue("server.connections.active", Attributes.empty())).isEqualTo(1);
    MetricData latency = otel.metric("server.request.duration").orElseThrow();
    assertThat(latency.getUnit()).isEqualTo("s");
    HistogramPointData point = latency.getHistogramData().getPoints().iterator().next();
    assertThat(point.getSum()).isEqualTo(0.25);
    assertThat(point.getCount()).isEqualTo(1);
  }

  @Test
  void closeUnregistersTheObservableInstrumentsButLocalCountsGoOn() {
    // given
    ConcurrentMetrics metrics = ConcurrentMetrics.create(otel.provider.get("test"), "closing");
    metrics.incrementRequest();

    // when
    metrics.close();
    metrics.incrementRequest();

    // then
    assertThat(otel.metric("closing.requests")).isEmpty();
    assertThat(metrics.requestCount()).isEqualTo(2);
  }

  @Test
  void badInputIsRejectedWithAClearMessage() {
    var meter = otel.provider.get("test");
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
