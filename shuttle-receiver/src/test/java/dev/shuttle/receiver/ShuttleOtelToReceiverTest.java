package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.otel.ShuttleOtel;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Traces, metrics and logs from an application set up by shuttle-otel reach the receiver. */
class ShuttleOtelToReceiverTest {

  @ParameterizedTest
  @EnumSource(OtlpProtocol.class)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void flushDeliversTracesMetricsAndLogsWithoutClosing(OtlpProtocol protocol) throws Exception {
    try (OtlpReceiver receiver =
        OtlpReceiver.start(ReceiverConfig.builder().httpPort(0).grpcPort(0).build())) {
      String endpoint =
          protocol == OtlpProtocol.GRPC ? receiver.grpcEndpoint() : receiver.httpEndpoint();
      try (ShuttleOtel otel =
          ShuttleOtel.builder()
              .serviceName("all-signals")
              .resourceAttribute("deployment.environment.name", "test")
              .endpoint(endpoint)
              .protocol(protocol)
              .sampler("parentbased_always_on")
              .batchScheduleDelay(Duration.ofHours(1))
              .metricExportInterval(Duration.ofHours(1))
              .start()) {
        Span span = otel.sdk().getTracer("signals").spanBuilder("work").startSpan();
        otel.sdk()
            .getMeter("signals")
            .counterBuilder("work.done")
            .build()
            .add(3, Attributes.of(AttributeKey.stringKey("kind"), "unit"));
        otel.sdk()
            .getLogsBridge()
            .get("signals")
            .logRecordBuilder()
            .setSeverity(Severity.WARN)
            .setBody("careful")
            .setContext(io.opentelemetry.context.Context.current().with(span))
            .emit();
        span.end();

        assertThat(otel.flush(Duration.ofSeconds(10))).isTrue();

        TelemetryStore store = receiver.store();
        assertThat(store.awaitSpans(1, Duration.ofSeconds(5))).isTrue();
        StoredSpan stored = store.spansByName("work").getFirst();
        assertThat(stored.spanId()).isEqualTo(span.getSpanContext().getSpanId());
        assertThat(stored.serviceName()).isEqualTo("all-signals");
        assertThat(ExporterEndToEndTest.attributes(stored.resource().getAttributesList()))
            .containsEntry("deployment.environment.name", "test");
        assertThat(store.metricsByName("work.done"))
            .isNotEmpty()
            .allSatisfy(m -> assertThat(m.getSum().getDataPoints(0).getAsInt()).isEqualTo(3));
        LogRecord log = store.resourceLogs().getFirst().getScopeLogs(0).getLogRecords(0);
        assertThat(log.getBody().getStringValue()).isEqualTo("careful");
        assertThat(log.getSeverityNumberValue()).isEqualTo(Severity.WARN.getSeverityNumber());
        assertThat(Ids.hex(log.getTraceId())).isEqualTo(span.getSpanContext().getTraceId());
        assertThat(Ids.hex(log.getSpanId())).isEqualTo(span.getSpanContext().getSpanId());
      }
    }
  }
}
