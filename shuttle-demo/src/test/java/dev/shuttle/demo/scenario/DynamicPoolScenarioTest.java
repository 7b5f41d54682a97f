package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.OtlpRun.attribute;
import static dev.shuttle.demo.OtlpRun.eventNames;
import static dev.shuttle.demo.OtlpRun.status;
import static dev.shuttle.demo.scenario.DynamicPoolScenario.MAX_WORKERS;
import static dev.shuttle.demo.scenario.DynamicPoolScenario.MIN_WORKERS;
import static dev.shuttle.demo.scenario.DynamicPoolScenario.TASKS;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.telemetry.PoolMetricNames;
import io.opentelemetry.proto.trace.v1.Span.Event;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DynamicPoolScenarioTest {
  private static OtlpRun run;

  @BeforeAll
  static void runOverHttp() throws Exception {
    run = OtlpRun.of(new DynamicPoolScenario(), OtlpProtocol.HTTP_PROTOBUF);
  }

  @Test
  void producesOneTrace() {
    assertThat(run.traces()).hasSize(1);
    assertThat(run.traces().getFirst().root().orElseThrow().name()).isEqualTo("dynamic-pool-burst");
  }

  @Test
  void everyTaskIsOneProcessTaskSpanWithTheGuidesAttributesUnderTheSubmitter() {
    StoredSpan burst = run.span("dynamic-pool-burst");
    List<StoredSpan> tasks = run.children(burst);
    assertThat(tasks).hasSize(TASKS).allMatch(s -> s.name().equals("process-task"));
    assertThat(run.traces().getFirst().spans()).hasSize(1 + TASKS); // one span per task
    assertThat(tasks).allMatch(s -> status(s) == STATUS_CODE_UNSET);
    assertThat(tasks)
        .extracting(s -> attribute(s, "task.id").orElseThrow())
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, TASKS).mapToObj(i -> (Object) ("task-" + i)).toList());
    assertThat(tasks)
        .allMatch(s -> attribute(s, "worker_pool.name").orElseThrow().equals("dynamic-pool"));
  }

  @Test
  void theBurstGrewThePoolBeyondItsMinimumButNotPastItsMaximum() {
    Set<Object> workers =
        run.spans("process-task").stream()
            .map(s -> attribute(s, "worker.id").orElseThrow())
            .collect(Collectors.toSet());
    assertThat(workers)
        .hasSizeGreaterThan(MIN_WORKERS)
        .allMatch(id -> (Long) id >= 1 && (Long) id <= MAX_WORKERS);
  }

  @Test
  void idleWorkersRetiredAndEveryResultWasReceived() {
    StoredSpan burst = run.span("dynamic-pool-burst");
    assertThat(eventNames(burst)).containsExactly("idle workers retired");
    assertThat(workers(burst, "idle workers retired")).isEqualTo(MIN_WORKERS);
    assertThat(attribute(burst, "results.received")).contains((long) TASKS);
  }

  @Test
  void poolMetricsCountEveryJobAndNoWorkerIsLeft() {
    assertThat(MetricPoints.longSumsBy(run, PoolMetricNames.JOBS_PROCESSED, "job.outcome"))
        .isEqualTo(Map.of("success", (long) TASKS));
    assertThat(MetricPoints.longSum(run, PoolMetricNames.WORKERS, "worker_pool.type", "dynamic"))
        .isZero();
    assertThat(
            MetricPoints.longSum(
                run, PoolMetricNames.ACTIVE_WORKERS, "worker_pool.name", "dynamic-pool"))
        .isZero();
  }

  private static long workers(StoredSpan span, String event) {
    Event found =
        span.span().getEventsList().stream()
            .filter(e -> e.getName().equals(event))
            .findFirst()
            .orElseThrow();
    return found.getAttributesList().stream()
        .filter(kv -> kv.getKey().equals("pool.workers"))
        .findFirst()
        .orElseThrow()
        .getValue()
        .getIntValue();
  }
}
