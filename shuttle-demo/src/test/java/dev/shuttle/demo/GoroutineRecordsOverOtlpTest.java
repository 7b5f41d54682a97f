package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.shuttle.Go;
import dev.shuttle.Goroutines;
import dev.shuttle.channel.Channel;
import dev.shuttle.context.Stoppable;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.TelemetryStore;
import dev.shuttle.telemetry.GoroutineAttributes;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stall report and the live export arrive over real OTLP (the SDK's exporter to the embedded
 * receiver on a loopback socket) in the stalled goroutine's trace and span.
 */
@Timeout(60)
class GoroutineRecordsOverOtlpTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @ParameterizedTest
  @EnumSource(OtlpProtocol.class)
  void stallAndLiveRecordsArriveInTheGoroutinesTrace(OtlpProtocol protocol) throws Exception {
    try (DemoSession session = DemoSession.embedded(protocol)) {
      ShuttleTelemetry.use(session.openTelemetry());
      Channel<String> payments = Channel.builder().name("payments").build();
      Span checkout = session.openTelemetry().getTracer("test").spanBuilder("checkout").startSpan();
      Stoppable stalls = Goroutines.detectStalls(Duration.ofMillis(50));
      Stoppable live = Goroutines.exportLive(Duration.ofMillis(100));
      try {
        try (Scope ignored = Context.current().with(checkout).makeCurrent()) {
          Go.go(Context.current(), "await-payment", Attributes.empty(), payments::receive);
        }
        String traceId = checkout.getSpanContext().getTraceId();

        LogRecord stall =
            awaitRecord(session, GoroutineAttributes.EVENT_STALLED, r -> inTrace(r, traceId));
        assertThat(string(stall, GoroutineAttributes.BLOCKED_ON.getKey()))
            .startsWith("chan receive on payments");
        assertThat(string(stall, "messaging.destination.name")).isEqualTo("payments");
        assertThat(string(stall, GoroutineAttributes.SPAN_NAME.getKey()))
            .isEqualTo("await-payment");
        assertThat(string(stall, GoroutineAttributes.PARENT_SPAN_ID.getKey()))
            .isEqualTo(checkout.getSpanContext().getSpanId());
        assertThat(stall.getSeverityText()).isEqualTo("WARN");

        // a record exported before the goroutine reached receive() says "running"; a later one
        // must say blocked
        LogRecord running =
            awaitRecord(
                session,
                GoroutineAttributes.EVENT_RUNNING,
                r ->
                    inTrace(r, traceId)
                        && "blocked".equals(string(r, GoroutineAttributes.STATE.getKey())));
        assertThat(HexFormat.of().formatHex(running.getSpanId().toByteArray()))
            .isEqualTo(HexFormat.of().formatHex(stall.getSpanId().toByteArray()));
        awaitRecord(session, GoroutineAttributes.EVENT_SNAPSHOT, r -> true);
      } finally {
        stalls.stop();
        live.stop();
        payments.close();
        checkout.end();
        ShuttleTelemetry.useGlobal();
      }
    }
  }

  private static LogRecord awaitRecord(
      DemoSession session, String event, Predicate<LogRecord> matching) throws Exception {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    TelemetryStore store = session.store().orElseThrow();
    while (true) {
      assertThat(session.flush()).as("the OTLP export completed").isTrue();
      Optional<LogRecord> found =
          store.resourceLogs().stream()
              .flatMap(r -> r.getScopeLogsList().stream())
              .flatMap(s -> s.getLogRecordsList().stream())
              .filter(r -> event.equals(r.getEventName()))
              .filter(matching)
              .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      assertThat(System.nanoTime()).as("a %s record within %s", event, LIMIT).isLessThan(deadline);
    }
  }

  private static boolean inTrace(LogRecord record, String traceId) {
    ByteString id = record.getTraceId();
    return HexFormat.of().formatHex(id.toByteArray()).equals(traceId);
  }

  private static String string(LogRecord record, String key) {
    List<KeyValue> attributes = record.getAttributesList();
    return attributes.stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(kv -> kv.getValue().getStringValue())
        .findFirst()
        .orElse("(absent)");
  }
}
