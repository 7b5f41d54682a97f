package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.OtlpRun.attribute;
import static dev.shuttle.demo.OtlpRun.eventNames;
import static dev.shuttle.demo.OtlpRun.status;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ChannelScenarioTest {
  private static OtlpRun run;

  @BeforeAll
  static void runOverGrpc() throws Exception {
    run = OtlpRun.of(new ChannelScenario(), OtlpProtocol.GRPC);
  }

  @Test
  void producesOneTraceOfSixSpans() {
    assertThat(run.traces()).hasSize(1);
    assertThat(run.traces().getFirst().spans()).hasSize(6);
  }

  @Test
  void everyMessageIsProcessedInAConsumerSpanUnderTheSendersSpan() {
    StoredSpan pipeline = run.span("channel-pipeline");
    assertThat(pipeline.isRoot()).isTrue();
    List<StoredSpan> processed = run.children(pipeline);
    assertThat(processed).hasSize(5).allMatch(s -> s.name().equals("process-message"));
    assertThat(processed)
        .extracting(s -> attribute(s, "message.id").orElseThrow())
        .containsExactlyInAnyOrder("msg-0", "msg-1", "msg-2", "msg-3", "msg-4");
    assertThat(processed)
        .allSatisfy(
            s -> {
              assertThat(s.span().getKind()).isEqualTo(SpanKind.SPAN_KIND_CONSUMER);
              assertThat(status(s)).isEqualTo(STATUS_CODE_UNSET);
              assertThat(attribute(s, "messaging.system")).contains("shuttle");
              assertThat(attribute(s, "messaging.operation.type")).contains("process");
              assertThat(attribute(s, "messaging.operation.name")).contains("process");
            });
    assertThat(run.spans("process-message")).hasSize(5);
  }

  @Test
  void theProducerRecordsEveryResultInOrder() {
    StoredSpan pipeline = run.span("channel-pipeline");
    assertThat(status(pipeline)).isEqualTo(STATUS_CODE_UNSET);
    assertThat(eventNames(pipeline)).hasSize(5).containsOnly("message processed");
    assertThat(
            pipeline.span().getEventsList().stream()
                .map(e -> stringAttribute(e.getAttributesList(), "message.id"))
                .toList())
        .containsExactly("msg-0", "msg-1", "msg-2", "msg-3", "msg-4");
  }

  @Test
  void spansUseTheGuidesTracerName() {
    assertThat(run.span("channel-pipeline").scope().getName()).isEqualTo("pipeline-stage");
  }

  static String stringAttribute(List<KeyValue> attributes, String key) {
    return attributes.stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(kv -> kv.getValue().getStringValue())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no attribute " + key));
  }
}
