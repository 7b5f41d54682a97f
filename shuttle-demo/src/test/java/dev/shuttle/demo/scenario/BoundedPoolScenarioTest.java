package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.OtlpRun.attribute;
import static dev.shuttle.demo.OtlpRun.eventNames;
import static dev.shuttle.demo.OtlpRun.status;
import static dev.shuttle.demo.OtlpRun.statusMessage;
import static dev.shuttle.demo.scenario.BoundedPoolScenario.FAILING_TASK;
import static dev.shuttle.demo.scenario.BoundedPoolScenario.MAX_CONCURRENCY;
import static dev.shuttle.demo.scenario.BoundedPoolScenario.TASKS;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.telemetry.PoolMetricNames;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BoundedPoolScenarioTest {
  private static OtlpRun run;

  @BeforeAll
  static void runOverGrpc() throws Exception {
    run = OtlpRun.of(new BoundedPoolScenario(), OtlpProtocol.GRPC);
  }

  @Test
  void producesOneTrace() {
    assertThat(run.traces()).hasSize(1);
    assertThat(run.traces().getFirst().root().orElseThrow().name()).isEqualTo("submit-tasks");
  }

  @Test
  void everyTaskIsAPoolTaskSpanUnderTheSubmitter() {
    StoredSpan submitter = run.span("submit-tasks");
    List<StoredSpan> tasks = run.children(submitter);
    assertThat(tasks).hasSize(TASKS).allMatch(s -> s.name().equals("pool-task"));
    assertThat(run.spans("pool-task")).hasSize(TASKS);
    assertThat(tasks)
        .extracting(s -> attribute(s, "task.id").orElseThrow())
        .containsExactlyInAnyOrderElementsOf(
            LongStream.rangeClosed(1, TASKS).boxed().map(Object.class::cast).toList());
    assertThat(tasks).allMatch(s -> attribute(s, "pool.size").orElseThrow().equals(3L));
    assertThat(tasks)
        .allMatch(s -> attribute(s, "worker_pool.name").orElseThrow().equals("bounded-pool"));
    // task.id is assigned in submission order: task-i has id i + 1
    assertThat(tasks)
        .allMatch(
            s ->
                attribute(s, "task.name")
                    .orElseThrow()
                    .equals("task-" + ((Long) attribute(s, "task.id").orElseThrow() - 1)));
  }

  @Test
  void theFailingTaskIsAnErrorAndTheOthersAreNot() {
    List<StoredSpan> tasks = run.spans("pool-task");
    StoredSpan failed = task(tasks, "task-" + FAILING_TASK);
    assertThat(status(failed)).isEqualTo(STATUS_CODE_ERROR);
    assertThat(statusMessage(failed)).isEqualTo("cannot process task-" + FAILING_TASK);
    assertThat(attribute(failed, "error.type").orElseThrow().toString())
        .endsWith("TaskFailedException");
    assertThat(eventNames(failed)).contains("exception");
    assertThat(tasks.stream().filter(s -> status(s) == STATUS_CODE_UNSET)).hasSize(TASKS - 1);
  }

  @Test
  void theSubmitterSawTheLimitHeldAndOneRefusal() {
    StoredSpan submitter = run.span("submit-tasks");
    assertThat(status(submitter)).isEqualTo(STATUS_CODE_UNSET);
    assertThat(attribute(submitter, "pool.size")).contains((long) MAX_CONCURRENCY);
    assertThat(attribute(submitter, "task.count")).contains((long) TASKS);
    assertThat(attribute(submitter, "pool.peak_running")).contains((long) MAX_CONCURRENCY);
    assertThat(eventNames(submitter))
        .containsExactly("pool full: trySubmit refused", "task failed");
  }

  @Test
  void poolMetricsCountEveryTaskAndTheRefusal() {
    assertThat(MetricPoints.longSumsBy(run, PoolMetricNames.JOBS_PROCESSED, "job.outcome"))
        .isEqualTo(Map.of("success", (long) TASKS - 1, "failure", 1L));
    assertThat(
            MetricPoints.longSum(
                run, PoolMetricNames.JOBS_REJECTED, "worker_pool.rejection.reason", "queue_full"))
        .isEqualTo(1);
    assertThat(
            MetricPoints.longSum(
                run, PoolMetricNames.ACTIVE_WORKERS, "worker_pool.type", "bounded"))
        .isZero();
    assertThat(MetricPoints.histogramCountsBy(run, PoolMetricNames.JOB_DURATION, "job.outcome"))
        .isEqualTo(Map.of("success", (long) TASKS - 1, "failure", 1L));
    assertThat(MetricPoints.metric(run, PoolMetricNames.JOB_DURATION).getUnit()).isEqualTo("s");
  }

  private static StoredSpan task(List<StoredSpan> tasks, String name) {
    return tasks.stream()
        .filter(s -> attribute(s, "task.name").orElseThrow().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
