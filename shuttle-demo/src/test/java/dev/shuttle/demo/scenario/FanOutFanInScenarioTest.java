package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.OtlpRun.attribute;
import static dev.shuttle.demo.OtlpRun.eventNames;
import static dev.shuttle.demo.OtlpRun.status;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.proto.trace.v1.Span.Event;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FanOutFanInScenarioTest {
  private static final int ITEMS = FanOutFanInScenario.DATA.size();
  private static final int WORKERS = FanOutFanInScenario.WORKERS;
  private static OtlpRun run;

  @BeforeAll
  static void runOverHttp() throws Exception {
    run = OtlpRun.of(new FanOutFanInScenario(), OtlpProtocol.HTTP_PROTOBUF);
  }

  @Test
  void producesOneTrace() {
    assertThat(run.traces()).hasSize(1);
    // the operation, fan-out, fan-in, 3 workers, 7 input-item, 7 worker-process
    assertThat(run.traces().getFirst().spans()).hasSize(3 + WORKERS + 2 * ITEMS);
  }

  @Test
  void everyItemIsProcessedByTheWorkerItWasDealtTo() throws Exception {
    List<String> results =
        FanOutFanInScenario.process(
            OpenTelemetry.noop().getTracer("test"), FanOutFanInScenario.DATA, WORKERS);

    assertThat(results)
        .containsExactlyInAnyOrder(
            "processed-by-0-a",
            "processed-by-1-b",
            "processed-by-2-c",
            "processed-by-0-d",
            "processed-by-1-e",
            "processed-by-2-f",
            "processed-by-0-g");
  }

  @Test
  void theOperationHoldsTheStagesWorkersAndItems() {
    StoredSpan operation = run.span("fan-out-fan-in");
    assertThat(operation.isRoot()).isTrue();
    assertThat(status(operation)).isEqualTo(STATUS_CODE_UNSET);
    assertThat(attribute(operation, "data.count")).contains((long) ITEMS);
    assertThat(attribute(operation, "workers")).contains((long) WORKERS);
    assertThat(run.childNames(operation))
        .containsExactlyInAnyOrder(
            "fan-out",
            "fan-in",
            "worker-0",
            "worker-1",
            "worker-2",
            "input-item",
            "input-item",
            "input-item",
            "input-item",
            "input-item",
            "input-item",
            "input-item");
  }

  @Test
  void eachItemsTraceContinuesInTheWorkerItWasDealtTo() {
    List<StoredSpan> items = run.spans("input-item");
    assertThat(items)
        .extracting(s -> attribute(s, "item.index").orElseThrow())
        .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    for (StoredSpan item : items) {
      long index = (Long) attribute(item, "item.index").orElseThrow();
      List<StoredSpan> processed = run.children(item);
      assertThat(processed).hasSize(1);
      assertThat(processed.getFirst().name()).isEqualTo("worker-process");
      assertThat(attribute(processed.getFirst(), "worker.id")).contains(index % WORKERS);
      assertThat(status(processed.getFirst())).isEqualTo(STATUS_CODE_UNSET);
    }
  }

  @Test
  void theStagesCountWhatTheyDealtAndProcessed() {
    Event fanOutDone = onlyEvent(run.span("fan-out"), "fan-out done");
    assertThat(intAttribute(fanOutDone, "items.sent")).isEqualTo(ITEMS);
    assertThat(eventNames(run.span("fan-in"))).isEmpty();
    long[] expected = {3, 2, 2}; // 7 items dealt in turn to 3 workers
    for (int w = 0; w < WORKERS; w++) {
      Event done = onlyEvent(run.span("worker-" + w), "worker done");
      assertThat(intAttribute(done, "items.processed")).isEqualTo(expected[w]);
    }
  }

  private static Event onlyEvent(StoredSpan span, String name) {
    assertThat(eventNames(span)).containsExactly(name);
    return span.span().getEvents(0);
  }

  private static long intAttribute(Event event, String key) {
    return event.getAttributesList().stream()
        .filter(kv -> kv.getKey().equals(key))
        .mapToLong(kv -> kv.getValue().getIntValue())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no attribute " + key));
  }
}
