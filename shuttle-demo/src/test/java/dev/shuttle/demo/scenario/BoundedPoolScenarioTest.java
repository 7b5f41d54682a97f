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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
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
  void everyTaskIsOnePoolTaskSpanUnderTheSubmitterWithTheGuidesAttributes() {
    StoredSpan submitter = run.span("submit-tasks");
    List<StoredSpan> tasks = run.children(submitter);
    assertThat(tasks).hasSize(TASKS).allMatch(s -> s.name().equals("pool-task"));
    assertThat(run.traces().getFirst().spans()).hasSize(1 + TASKS); // one span per task
    assertThat(tasks)
        .extracting(s -> attribute(s, "task.id").orElseThrow())
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, TASKS).mapToObj(i -> (Object) ("task-" + i)).toList());
    assertThat(tasks).allMatch(s -> attribute(s, "pool.size").orElseThrow().equals(3L));
    assertThat(tasks)
        .allMatch(s -> attribute(s, "worker_pool.name").orElseThrow().equals("bounded-pool"));
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
    assertThat(status(run.span("submit-tasks"))).isEqualTo(STATUS_CODE_UNSET);
  }

  @Test
  void neverMoreThanTheLimitRanAtOnceAndSubmittersWaitedForPermits() {
    List<StoredSpan> tasks = run.spans("pool-task");
    assertThat(mostAtOnce(tasks)).isBetween(1, MAX_CONCURRENCY);
    assertThat(tasks)
        .extracting(s -> (Long) attribute(s, "job.queue_wait_ns").orElseThrow())
        .anyMatch(waited -> waited > 0);
  }

  @Test
  void poolMetricsCountEveryTask() {
    assertThat(MetricPoints.longSumsBy(run, PoolMetricNames.JOBS_PROCESSED, "job.outcome"))
        .isEqualTo(Map.of("success", (long) TASKS - 1, "failure", 1L));
    assertThat(
            MetricPoints.longSum(
                run, PoolMetricNames.ACTIVE_WORKERS, "worker_pool.type", "bounded"))
        .isZero();
    assertThat(MetricPoints.histogramCountsBy(run, PoolMetricNames.JOB_DURATION, "job.outcome"))
        .isEqualTo(Map.of("success", (long) TASKS - 1, "failure", 1L));
    assertThat(MetricPoints.metric(run, PoolMetricNames.JOB_DURATION).getUnit()).isEqualTo("s");
  }

  private static StoredSpan task(List<StoredSpan> tasks, String id) {
    return tasks.stream()
        .filter(s -> attribute(s, "task.id").orElseThrow().equals(id))
        .findFirst()
        .orElseThrow();
  }

  /** The most spans that were open at one instant; an end counts before a start at a tie. */
  private static int mostAtOnce(List<StoredSpan> spans) {
    List<long[]> edges = new ArrayList<>(); // {time, +1 start or -1 end}
    for (StoredSpan s : spans) {
      edges.add(new long[] {s.span().getStartTimeUnixNano(), 1});
      edges.add(new long[] {s.span().getEndTimeUnixNano(), -1});
    }
    edges.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    int open = 0;
    int most = 0;
    for (long[] edge : edges) {
      open += (int) edge[1];
      most = Math.max(most, open);
    }
    return most;
  }
}
