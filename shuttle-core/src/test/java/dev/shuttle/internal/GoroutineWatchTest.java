package dev.shuttle.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.Go;
import dev.shuttle.Goroutines;
import dev.shuttle.channel.Channel;
import dev.shuttle.context.Stoppable;
import dev.shuttle.inspect.GoroutineInfo;
import dev.shuttle.telemetry.GoroutineAttributes;
import dev.shuttle.telemetry.ShuttleMetricNames;
import dev.shuttle.testing.TelemetryExtension;
import dev.shuttle.testing.Waits;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The stall detector and the live export, read back from an in-memory log exporter. */
@Timeout(30)
class GoroutineWatchTest {
  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();
  private Channel<String> orders;
  private Span request;

  @BeforeEach
  void openRequest() {
    orders = Channel.builder().name("orders").build();
    request = telemetry.tracer().spanBuilder("request").startSpan();
    assertThat(request.getSpanContext().isValid()).isTrue();
  }

  @AfterEach
  void release() throws InterruptedException {
    orders.close();
    request.end();
  }

  @Test
  void reportsAStalledGoroutineOncePerBlockedSpellInItsTrace() throws Exception {
    GoroutineInfo waiter = blockedReceiver();
    StallDetector detector = new StallDetector(Duration.ofNanos(1));

    detector.check();
    detector.check(); // the same spell: not reported again

    List<LogRecordData> stalls = events(GoroutineAttributes.EVENT_STALLED);
    assertThat(stalls).hasSize(1);
    LogRecordData stall = stalls.getFirst();
    assertThat(stall.getSeverity()).isEqualTo(Severity.WARN);
    assertThat(stall.getSpanContext().getTraceId())
        .isEqualTo(request.getSpanContext().getTraceId());
    assertThat(stall.getSpanContext().getSpanId()).isEqualTo(waiter.spanContext().getSpanId());
    Attributes a = stall.getAttributes();
    assertThat(a.get(GoroutineAttributes.ID)).isEqualTo(waiter.id());
    assertThat(a.get(GoroutineAttributes.BLOCKED_ON_KIND)).isEqualTo("chan receive");
    assertThat(a.get(GoroutineAttributes.BLOCKED_ON)).startsWith("chan receive on orders");
    assertThat(a.get(AttributeKey.stringKey("messaging.destination.name"))).isEqualTo("orders");
    assertThat(stall.getBodyValue().asString()).contains("stalled", "orders");
    assertThat(stallCount("chan receive")).isEqualTo(1);

    orders.send("first"); // wakes it; it blocks again on its second receive: a new spell
    Waits.until(() -> blockedAgain(waiter.id()));
    detector.check();
    assertThat(events(GoroutineAttributes.EVENT_STALLED)).hasSize(2);
  }

  @Test
  void doesNotReportAGoroutineBlockedForLessThanTheThreshold() throws Exception {
    blockedReceiver();
    new StallDetector(Duration.ofHours(1)).check();
    assertThat(events(GoroutineAttributes.EVENT_STALLED)).isEmpty();
  }

  @Test
  void detectStallsRunsUntilStopped() throws Exception {
    GoroutineInfo waiter = blockedReceiver();
    Stoppable detector = Goroutines.detectStalls(Duration.ofMillis(20));
    try {
      Waits.until(
          () ->
              events(GoroutineAttributes.EVENT_STALLED).stream()
                  .anyMatch(r -> waiter.id() == r.getAttributes().get(GoroutineAttributes.ID)));
    } finally {
      assertThat(detector.stop()).isTrue();
    }
  }

  @Test
  void exportsEachLiveGoroutineThenARecordClosingTheRound() throws Exception {
    GoroutineInfo waiter = blockedReceiver();
    LiveExport export = new LiveExport(Duration.ofSeconds(1));

    export.exportRound();

    List<LogRecordData> running = events(GoroutineAttributes.EVENT_RUNNING);
    List<LogRecordData> closing = events(GoroutineAttributes.EVENT_SNAPSHOT);
    assertThat(closing).hasSize(1);
    Attributes round = closing.getFirst().getAttributes();
    assertThat(round.get(GoroutineAttributes.ROUND)).isEqualTo(1L);
    assertThat(round.get(GoroutineAttributes.COUNT)).isEqualTo((long) running.size());
    assertThat(round.get(GoroutineAttributes.INTERVAL_MS)).isEqualTo(1000L);
    LogRecordData mine =
        running.stream()
            .filter(r -> waiter.id() == r.getAttributes().get(GoroutineAttributes.ID))
            .findFirst()
            .orElseThrow();
    Attributes a = mine.getAttributes();
    assertThat(mine.getSpanContext()).isEqualTo(waiter.spanContext());
    assertThat(a.get(GoroutineAttributes.STATE)).isEqualTo("blocked");
    assertThat(a.get(GoroutineAttributes.SPAN_NAME)).isEqualTo("receive-orders");
    assertThat(a.get(GoroutineAttributes.PARENT_SPAN_ID))
        .isEqualTo(request.getSpanContext().getSpanId());
    assertThat(a.get(GoroutineAttributes.OWNER)).isEqualTo("go");
    assertThat(a.get(GoroutineAttributes.BLOCKED_SINCE)).isPositive();
    assertThat(a.get(GoroutineAttributes.ROUND)).isEqualTo(1L);
    assertThat(mine.getTimestampEpochNanos())
        .isEqualTo(closing.getFirst().getTimestampEpochNanos());
  }

  @Test
  void rejectsANonPositivePeriod() {
    assertThatThrownBy(() -> Goroutines.detectStalls(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threshold must be positive");
    assertThatThrownBy(() -> Goroutines.exportLive(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval must be positive");
  }

  @Test
  void parsesDurationsAsTheSettingsAcceptThem() {
    assertThat(GoroutineWatch.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(GoroutineWatch.parseDuration("2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(GoroutineWatch.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(GoroutineWatch.parseDuration("PT0.25S")).isEqualTo(Duration.ofMillis(250));
    assertThat(GoroutineWatch.parseDuration("two seconds")).isNull();
    assertThat(GoroutineWatch.parseDuration("5h")).isNull();
  }

  /** A goroutine with a span of its own, child of the request, blocked receiving from orders. */
  private GoroutineInfo blockedReceiver() throws InterruptedException {
    try (Scope ignored = Context.current().with(request).makeCurrent()) {
      Go.go(
          Context.current(),
          "receive-orders",
          Attributes.empty(),
          () -> {
            while (orders.receiveOrClosed() instanceof dev.shuttle.channel.Message<String>) {
              // keep receiving until the test closes the channel
            }
          });
    }
    Waits.until(() -> findBlocked() != null);
    return Objects.requireNonNull(findBlocked());
  }

  private GoroutineInfo findBlocked() {
    return Goroutines.snapshot().goroutines().stream()
        .filter(g -> g.blocked() && "receive-orders".equals(g.spanName()))
        .filter(g -> g.parentSpanContext().equals(request.getSpanContext()))
        .findFirst()
        .orElse(null);
  }

  private boolean blockedAgain(long id) {
    for (LiveGoroutine g : GoroutineRegistry.live()) {
      if (g.id == id) {
        LiveGoroutine.BlockState state = g.blockState();
        return state.target() != null && state.seq() >= 6; // blocked, woken, blocked again
      }
    }
    return false;
  }

  private List<LogRecordData> events(String name) {
    return telemetry.events(name);
  }

  private long stallCount(String kind) {
    return telemetry.longSum(
        ShuttleMetricNames.GOROUTINE_STALLS, GoroutineAttributes.BLOCKED_ON_KIND, kind);
  }
}
