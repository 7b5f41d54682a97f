package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.OtlpRun.attribute;
import static dev.shuttle.demo.OtlpRun.eventNames;
import static dev.shuttle.demo.OtlpRun.status;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SelectScenarioTest {
  private static OtlpRun run;

  @BeforeAll
  static void runOverGrpc() throws Exception {
    run = OtlpRun.of(new SelectScenario(), OtlpProtocol.GRPC);
  }

  @Test
  void producesOneTraceInWhichEveryProducerSpanEnded() {
    assertThat(run.traces()).hasSize(1);
    assertThat(run.span("select-operation").isRoot()).isTrue();
    // 10 produce-message spans, each with its handler: every producer span was ended
    assertThat(run.spans("produce-message")).hasSize(10);
    assertThat(run.traces().getFirst().spans()).hasSize(21);
  }

  @Test
  void theLoopEndsWhenBothChannelsAreClosedAfterHandlingEveryMessage() {
    StoredSpan operation = run.span("select-operation");
    assertThat(status(operation)).isEqualTo(STATUS_CODE_UNSET);
    assertThat(eventNames(operation)).isEmpty();
    List<StoredSpan> produced = run.children(operation);
    assertThat(produced).hasSize(10).allMatch(s -> s.name().equals("produce-message"));
    for (String producer : List.of("producer-1", "producer-2")) {
      assertThat(produced)
          .filteredOn(s -> attribute(s, "producer").orElseThrow().equals(producer))
          .extracting(s -> attribute(s, "index").orElseThrow())
          .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
    }
    assertThat(produced).allSatisfy(SelectScenarioTest::handledOnItsProducersChannel);
  }

  @Test
  void spansUseTheGuidesTracerNames() {
    assertThat(run.spans("select-operation"))
        .allMatch(s -> s.scope().getName().equals("select-multiplexing"));
    assertThat(run.spans("produce-message")).allMatch(s -> s.scope().getName().equals("producer"));
  }

  private static void handledOnItsProducersChannel(StoredSpan produced) {
    String channel =
        attribute(produced, "producer").orElseThrow().equals("producer-1") ? "ch1" : "ch2";
    List<StoredSpan> handlers = run.children(produced);
    assertThat(handlers).hasSize(1);
    StoredSpan handler = handlers.getFirst();
    assertThat(handler.name()).isEqualTo("handle-" + channel);
    assertThat(attribute(handler, "channel")).contains(channel);
    assertThat(status(handler)).isEqualTo(STATUS_CODE_UNSET);
  }
}
