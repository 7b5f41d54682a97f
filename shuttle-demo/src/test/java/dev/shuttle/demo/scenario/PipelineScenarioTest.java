package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.OtlpRun.attribute;
import static dev.shuttle.demo.OtlpRun.status;
import static dev.shuttle.demo.OtlpRun.statusMessage;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PipelineScenarioTest {
  private static final String FAILURE = "stage 2 cannot transform stage1-gamma";
  private static OtlpRun run;

  @BeforeAll
  static void runOverHttp() throws Exception {
    run = OtlpRun.of(new PipelineScenario(), OtlpProtocol.HTTP_PROTOBUF);
  }

  @Test
  void producesOneTraceWithOneSpanPerItem() {
    assertThat(run.traces()).hasSize(1);
    // the pipeline, 5 data-item, 3 stages for 4 items, 2 for the failing one
    assertThat(run.traces().getFirst().spans()).hasSize(1 + 5 + 4 * 3 + 2);
  }

  @Test
  void everyItemButTheFailingOneComesThroughInInputOrder() throws Exception {
    List<String> results =
        PipelineScenario.multiStagePipeline(
            OpenTelemetry.noop().getTracer("test"), PipelineScenario.DATA);

    assertThat(results)
        .containsExactly(
            "stage3-stage2-stage1-alpha",
            "stage3-stage2-stage1-beta",
            "stage3-stage2-stage1-delta",
            "stage3-stage2-stage1-epsilon");
  }

  @Test
  void everyItemHasADataItemSpanUnderThePipeline() {
    StoredSpan pipeline = run.span("multi-stage-pipeline");
    assertThat(pipeline.isRoot()).isTrue();
    assertThat(status(pipeline)).isEqualTo(STATUS_CODE_UNSET);
    List<StoredSpan> items = run.children(pipeline);
    assertThat(items).hasSize(5).allMatch(s -> s.name().equals("data-item"));
    assertThat(items)
        .extracting(s -> attribute(s, "data").orElseThrow())
        .containsExactlyInAnyOrderElementsOf(PipelineScenario.DATA);
  }

  @Test
  void everyCompletedItemRanThroughTheThreeStagesInItsOwnSubtree() {
    for (String data : List.of("alpha", "beta", "delta", "epsilon")) {
      StoredSpan item = dataItem(data);
      assertThat(status(item)).isEqualTo(STATUS_CODE_UNSET);
      assertThat(attribute(item, "pipeline.item.outcome")).contains("completed");
      assertThat(attribute(item, "pipeline.name")).contains("multi-stage-pipeline");
      assertThat(attribute(item, "pipeline.item.index"))
          .contains((long) PipelineScenario.DATA.indexOf(data));
      List<StoredSpan> stages = run.children(item);
      assertThat(stages)
          .extracting(StoredSpan::name)
          .containsExactlyInAnyOrder("stage-1-process", "stage-2-process", "stage-3-process");
      assertThat(stages).allMatch(s -> status(s) == STATUS_CODE_UNSET);
      assertThat(stages)
          .allSatisfy(s -> assertThat(attribute(s, "pipeline.stage")).contains(s.name()));
    }
  }

  @Test
  void theFailingItemIsDroppedAtStageTwoWithItsFailureRecordedUpItsTrace() {
    StoredSpan item = dataItem("gamma");
    assertThat(status(item)).isEqualTo(STATUS_CODE_ERROR);
    assertThat(statusMessage(item)).isEqualTo(FAILURE);
    assertThat(attribute(item, "error.type").orElseThrow().toString())
        .endsWith("InvalidDataException");
    assertThat(attribute(item, "pipeline.item.outcome")).contains("dropped");
    List<StoredSpan> stages = run.children(item);
    assertThat(stages)
        .extracting(StoredSpan::name)
        .containsExactlyInAnyOrder("stage-1-process", "stage-2-process");
    StoredSpan stage2 =
        stages.stream().filter(s -> s.name().equals("stage-2-process")).findFirst().orElseThrow();
    assertThat(status(stage2)).isEqualTo(STATUS_CODE_ERROR);
    assertThat(statusMessage(stage2)).isEqualTo(FAILURE);
    assertThat(run.spans("stage-2-process").stream().filter(s -> status(s) == STATUS_CODE_ERROR))
        .hasSize(1);
    assertThat(run.spans("stage-3-process")).hasSize(4);
  }

  private static StoredSpan dataItem(String data) {
    List<StoredSpan> matching =
        run.spans("data-item").stream()
            .filter(s -> attribute(s, "data").orElseThrow().equals(data))
            .toList();
    assertThat(matching).hasSize(1);
    return matching.getFirst();
  }
}
