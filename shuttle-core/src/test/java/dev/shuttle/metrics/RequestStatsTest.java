package dev.shuttle.metrics;

import static dev.shuttle.metrics.ConcurrentMetricsTest.runTogether;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(20)
class RequestStatsTest {
  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void beforeTheFirstRequestEveryFigureIsZeroNotNaN() {
    // given
    RequestStats stats = RequestStats.create();

    // when
    RequestStats.Snapshot snapshot = stats.snapshot();

    // then
    assertThat(snapshot.count()).isZero();
    assertThat(snapshot.errorRate()).isZero();
    assertThat(stats.errorRate()).isZero();
    assertThat(snapshot.averageLatency()).isEqualTo(Duration.ZERO);
    assertThat(stats.averageLatency()).isEqualTo(Duration.ZERO);
    assertThat(stats.lastRequest()).isEmpty();
  }

  @Test
  void recordsCountErrorsLatenciesAndTheLastRequest() {
    // given
    RequestStats stats = RequestStats.create();

    // when
    stats.record(Duration.ofMillis(10), true);
    stats.record(Duration.ofMillis(30), false);
    stats.record(Duration.ofMillis(20), true);
    stats.record(Duration.ofMillis(40), false);

    // then
    assertThat(stats.count()).isEqualTo(4);
    assertThat(stats.errors()).isEqualTo(2);
    assertThat(stats.totalLatency()).isEqualTo(Duration.ofMillis(100));
    assertThat(stats.averageLatency()).isEqualTo(Duration.ofMillis(25));
    assertThat(stats.errorRate()).isEqualTo(0.5);
    assertThat(stats.lastRequest())
        .hasValueSatisfying(
            last -> {
              assertThat(last.duration()).isEqualTo(Duration.ofMillis(40));
              assertThat(last.success()).isFalse();
            });
  }

  @Test
  void concurrentRecordersLoseNothingAndReadersNeverSeeMoreErrorsThanRequests() throws Exception {
    // given
    RequestStats stats = RequestStats.create();
    int threads = 4;
    int perThread = System.getenv("CI") != null ? 200_000 : 50_000;
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicReference<RequestStats.Snapshot> impossible = new AtomicReference<>();
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (writing.get()) {
                    RequestStats.Snapshot s = stats.snapshot();
                    if (s.errors() > s.count() || s.errorRate() > 1.0 || s.errorRate() < 0) {
                      impossible.set(s);
                    }
                  }
                });

    // when: every request fails, the worst case for errors <= count
    runTogether(
        threads,
        () -> {
          for (int i = 0; i < perThread; i++) {
            stats.record(Duration.ofNanos(3), false);
          }
        });
    writing.set(false);
    reader.join();

    // then
    long total = (long) threads * perThread;
    assertThat(impossible.get()).isNull();
    assertThat(stats.count()).isEqualTo(total);
    assertThat(stats.errors()).isEqualTo(total);
    assertThat(stats.totalLatency()).isEqualTo(Duration.ofNanos(3 * total));
    assertThat(stats.errorRate()).isEqualTo(1.0);
  }

  @Test
  void bindExportsOneConsistentSnapshotAsObservableInstrumentsUntilClosed() {
    // given
    RequestStats stats = RequestStats.create();
    Attributes service = Attributes.of(AttributeKey.stringKey("service.name"), "checkout");
    BatchCallback exported = stats.bind(telemetry.meter(), "checkout", service);

    // when
    stats.record(Duration.ofMillis(100), true);
    stats.record(Duration.ofMillis(300), false);

    // then
    assertThat(telemetry.longValue("checkout.requests", service)).isEqualTo(2);
    assertThat(telemetry.longValue("checkout.errors", service)).isEqualTo(1);
    assertThat(telemetry.doubleValue("checkout.request.duration.total", service)).isEqualTo(0.4);
    assertThat(telemetry.doubleValue("checkout.request.duration.average", service)).isEqualTo(0.2);
    assertThat(telemetry.doubleValue("checkout.error_rate", service)).isEqualTo(0.5);

    // when
    exported.close();

    // then
    assertThat(telemetry.metric("checkout.requests")).isEmpty();
  }

  @Test
  void anEmptyStatisticsExportsAZeroErrorRate() {
    // given
    RequestStats stats = RequestStats.create();

    // when
    try (BatchCallback ignored = stats.bind(telemetry.meter(), "idle", Attributes.empty())) {

      // then
      assertThat(telemetry.doubleValue("idle.error_rate", Attributes.empty())).isZero();
      assertThat(telemetry.doubleValue("idle.request.duration.average", Attributes.empty()))
          .isZero();
    }
  }

  @Test
  void badInputIsRejectedWithAClearMessage() {
    RequestStats stats = RequestStats.create();
    assertThatThrownBy(() -> stats.record(Duration.ofMillis(-5), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("latency must not be negative, but was PT-0.005S");
    assertThatThrownBy(() -> stats.record(null, true))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("latency");
    assertThatThrownBy(() -> stats.bind(telemetry.meter(), " ", Attributes.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace must not be blank");
    assertThat(stats.count()).isZero();
  }
}
