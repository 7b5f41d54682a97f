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
class OnceScenarioTest {
  private static OtlpRun run;

  @BeforeAll
  static void runOverGrpc() throws Exception {
    run = OtlpRun.of(new OnceScenario(), OtlpProtocol.GRPC);
  }

  @Test
  void producesOneTraceEachForTheInitialisersThePoolAndEveryJob() {
    assertThat(run.traces()).hasSize(3 + OnceScenario.JOBS);
  }

  @Test
  void sixtyFourCallersInitialiseTheTracerOnce() {
    StoredSpan init = run.span("tracer-initialization"); // exactly one
    assertThat(init.isRoot()).isTrue();
    assertThat(init.scope().getName()).isEqualTo("app-tracer");
    assertThat(eventNames(init)).containsExactly("tracer initialized");
    assertThat(run.children(init)).isEmpty();
  }

  @Test
  void thePoolInitialisesItsMetricsOnceThoughEveryWorkerAsks() {
    StoredSpan metrics = run.span("initialize-metrics"); // exactly one
    assertThat(attribute(metrics, "pool.workers")).contains((long) OnceScenario.WORKERS);
    assertThat(eventNames(metrics)).containsExactly("metrics initialized");
    assertThat(metrics.scope().getName()).isEqualTo("worker-pool-once");
  }

  @Test
  void theWorkersStartUnderWorkerPoolStartAndOutliveIt() {
    StoredSpan start = run.span("worker-pool-start");
    assertThat(start.isRoot()).isTrue();
    assertThat(run.childNames(start)).containsExactlyInAnyOrder("worker-0", "worker-1", "worker-2");
    assertThat(run.children(start)).allMatch(s -> status(s) == STATUS_CODE_UNSET);
    assertThat(run.children(start))
        .allMatch(s -> s.span().getEndTimeUnixNano() >= start.span().getEndTimeUnixNano());
  }

  @Test
  void everyJobRunsOnceInTheContextItWasSubmittedIn() {
    List<StoredSpan> jobs = run.spans("process-job");
    assertThat(jobs)
        .extracting(s -> attribute(s, "job.id").orElseThrow())
        .containsExactlyInAnyOrder("job-0", "job-1", "job-2", "job-3", "job-4", "job-5");
    // submitted at the root, so each job is a trace of its own, not part of a worker's
    assertThat(jobs).allMatch(StoredSpan::isRoot);
    assertThat(jobs.stream().map(StoredSpan::traceId).distinct()).hasSize(OnceScenario.JOBS);
    assertThat(jobs).allMatch(s -> status(s) == STATUS_CODE_UNSET);
  }
}
