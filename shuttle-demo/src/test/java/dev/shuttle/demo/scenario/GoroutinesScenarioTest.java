package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.OtlpRun.attribute;
import static dev.shuttle.demo.OtlpRun.eventNames;
import static dev.shuttle.demo.OtlpRun.status;
import static dev.shuttle.demo.OtlpRun.statusMessage;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.telemetry.ShuttleMetricNames;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GoroutinesScenarioTest {
  private static OtlpRun run;

  @BeforeAll
  static void runOverGrpc() throws Exception {
    run = OtlpRun.of(new GoroutinesScenario(), OtlpProtocol.GRPC);
  }

  @Test
  void producesThreeTraces() {
    assertThat(run.traces()).hasSize(3);
  }

  @Test
  void theGoroutineSpanIsAChildOfParentOperation() {
    StoredSpan parent = run.span("parent-operation");
    assertThat(run.childNames(parent)).containsExactly("goroutine-1");
    assertThat(eventNames(run.span("goroutine-1"))).containsExactly("goroutine-1 done");
  }

  @Test
  void everyWaitGroupTaskIsAChildOfParallelTasks() {
    StoredSpan parallel = run.span("parallel-tasks");
    List<StoredSpan> tasks = run.children(parallel);
    assertThat(tasks).hasSize(4).allMatch(s -> s.name().equals("process-task"));
    assertThat(tasks)
        .extracting(s -> attribute(s, "task.name").orElseThrow())
        .containsExactlyInAnyOrderElementsOf(GoroutinesScenario.TASKS);
    assertThat(tasks).allMatch(s -> status(s) == STATUS_CODE_UNSET);
    assertThat(eventNames(parallel)).containsExactly("all tasks done");
  }

  @Test
  void theFailingErrgroupTaskAndTheGroupAreErrors() {
    StoredSpan group = run.span("errgroup-tasks");
    assertThat(status(group)).isEqualTo(STATUS_CODE_ERROR);
    assertThat(statusMessage(group)).isEqualTo("cannot process gamma");
    assertThat(attribute(group, "errgroup.tasks")).contains(4L);
    List<StoredSpan> tasks = run.children(group);
    assertThat(tasks).hasSize(4).allMatch(s -> s.name().equals("errgroup-task"));
    StoredSpan gamma =
        tasks.stream()
            .filter(s -> attribute(s, "task.name").orElseThrow().equals("gamma"))
            .findFirst()
            .orElseThrow();
    assertThat(status(gamma)).isEqualTo(STATUS_CODE_ERROR);
    assertThat(attribute(gamma, "error.type").orElseThrow().toString())
        .as("the canonical name, as in the exception event's exception.type")
        .isEqualTo("dev.shuttle.demo.scenario.GoroutinesScenario.TaskFailedException");
    assertThat(eventNames(gamma)).contains("exception");
    assertThat(tasks.stream().filter(s -> status(s) == STATUS_CODE_ERROR)).hasSize(1);
  }

  @Test
  void goroutineMetricsArriveOverOtlp() {
    assertThat(run.longSum(ShuttleMetricNames.GOROUTINES_STARTED)).isEqualTo(9);
    assertThat(run.longSum(ShuttleMetricNames.GOROUTINES_ACTIVE)).isZero();
  }
}
