package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.OtlpRun.attribute;
import static dev.shuttle.demo.OtlpRun.eventNames;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BestPracticesScenarioTest {
  private static OtlpRun run;

  @BeforeAll
  static void runOverGrpc() throws Exception {
    run = OtlpRun.of(new BestPracticesScenario(), OtlpProtocol.GRPC);
  }

  @Test
  void oneBatchSpanWithAnEventPerMilestoneNotASpanPerItem() {
    StoredSpan batch = run.span("batch-operation");
    assertThat(eventNames(batch))
        .hasSize(BestPracticesScenario.BATCH_ITEMS / BestPracticesScenario.EVENT_EVERY)
        .startsWith("processed 0 items", "processed 10000 items");
    assertThat(run.children(batch)).isEmpty();
    assertThat(attribute(batch, "batch.items")).contains((long) BestPracticesScenario.BATCH_ITEMS);
  }

  @Test
  void theSamplerDropsTheOperationUnderAnUnsampledParentAndItsGoroutine() {
    StoredSpan sampled = run.span("sampled-operation");
    assertThat(sampled.traceId()).isNotEqualTo(BestPracticesScenario.UNSAMPLED_PARENT.getTraceId());
    assertThat(run.childNames(sampled)).containsExactly("sampled-child");
    assertThat(run.traces())
        .noneMatch(t -> t.traceId().equals(BestPracticesScenario.UNSAMPLED_PARENT.getTraceId()));
  }

  @Test
  void theLazySpanExistsOnlyWhenTracingWasWanted() {
    assertThat(run.spans("lazy-operation")).hasSize(1);
  }

  @Test
  void oneReusedContextParentsBothGoroutineChildren() {
    StoredSpan parent = run.span("parent-operation");
    assertThat(run.childNames(parent))
        .containsExactlyInAnyOrder("child-operation", "another-child");
  }

  @Test
  void fourTracesInAll() {
    assertThat(run.traces()).hasSize(4);
  }
}
