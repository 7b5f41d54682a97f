package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.OtlpRun.attribute;
import static dev.shuttle.demo.OtlpRun.status;
import static dev.shuttle.demo.OtlpRun.statusMessage;
import static dev.shuttle.demo.scenario.WorkerPoolScenario.JOBS_PER_REQUEST;
import static dev.shuttle.demo.scenario.WorkerPoolScenario.REQUESTS;
import static dev.shuttle.demo.scenario.WorkerPoolScenario.WORKERS;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.telemetry.PoolMetricNames;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WorkerPoolScenarioTest {
  private static final int JOBS = REQUESTS.size() * JOBS_PER_REQUEST;
  private static final long FAILURES = 4; // jobs 3 and 6 of each request

  private static OtlpRun run;

  @BeforeAll
  static void runOverGrpc() throws Exception {
    run = OtlpRun.of(new WorkerPoolScenario(), OtlpProtocol.GRPC);
  }

  @Test
  void producesTheStartTraceAndOneTracePerRequestWithOneSpanPerJob() {
    assertThat(run.traces()).hasSize(3);
    assertThat(run.traces().stream().mapToInt(t -> t.spans().size()).sum())
        .isEqualTo(1 + REQUESTS.size() + JOBS);
    assertThat(run.traces())
        .extracting(t -> t.root().orElseThrow().name())
        .containsExactlyInAnyOrder("worker-pool-start", "submit-jobs", "submit-jobs");
    StoredSpan start = run.span("worker-pool-start");
    assertThat(attribute(start, "pool.size")).contains((long) WORKERS);
    assertThat(run.children(start)).isEmpty();
  }

  @Test
  void everyJobIsAChildOfTheRequestThatSubmittedIt() {
    List<StoredSpan> requests = run.spans("submit-jobs");
    assertThat(requests)
        .extracting(s -> attribute(s, "request.id").orElseThrow())
        .containsExactlyInAnyOrderElementsOf(REQUESTS);
    for (StoredSpan request : requests) {
      String id = (String) attribute(request, "request.id").orElseThrow();
      List<StoredSpan> jobs = run.children(request);
      assertThat(jobs).hasSize(JOBS_PER_REQUEST).allMatch(s -> s.name().equals("process-job"));
      assertThat(jobs)
          .extracting(s -> attribute(s, "job.id").orElseThrow())
          .containsExactlyInAnyOrderElementsOf(
              IntStream.rangeClosed(1, JOBS_PER_REQUEST)
                  .mapToObj(n -> (Object) (id + "/job-" + n))
                  .toList());
      assertThat(jobs)
          .extracting(s -> (Long) attribute(s, "worker.id").orElseThrow())
          .allMatch(w -> w >= 1 && w <= WORKERS);
      assertThat(jobs)
          .allMatch(s -> attribute(s, "worker_pool.name").orElseThrow().equals("worker-pool"))
          .allMatch(s -> attribute(s, "job.queue_wait_ns").isPresent());
    }
  }

  @Test
  void theFailingJobsAreErrors() {
    List<StoredSpan> jobs = run.spans("process-job");
    List<StoredSpan> failed = jobs.stream().filter(s -> status(s) == STATUS_CODE_ERROR).toList();
    assertThat(failed)
        .extracting(s -> attribute(s, "job.id").orElseThrow())
        .containsExactlyInAnyOrder(
            "request-a/job-3", "request-a/job-6", "request-b/job-3", "request-b/job-6");
    assertThat(failed)
        .allMatch(s -> statusMessage(s).equals("cannot process " + attribute(s, "job.id").get()));
    assertThat(failed)
        .allMatch(
            s ->
                attribute(s, "error.type").orElseThrow().toString().endsWith("JobFailedException"));
    assertThat(jobs.stream().filter(s -> status(s) == STATUS_CODE_UNSET)).hasSize(JOBS - 4);
  }

  @Test
  void theGuidesMetricsCountEveryJobByOutcomeWithoutWorkerIds() {
    assertThat(MetricPoints.longSumsBy(run, PoolMetricNames.JOBS_PROCESSED, "job.outcome"))
        .isEqualTo(Map.of("success", JOBS - FAILURES, "failure", FAILURES));
    assertThat(MetricPoints.histogramCountsBy(run, PoolMetricNames.JOB_DURATION, "job.outcome"))
        .isEqualTo(Map.of("success", JOBS - FAILURES, "failure", FAILURES));
    assertThat(MetricPoints.metric(run, PoolMetricNames.JOB_DURATION).getUnit()).isEqualTo("s");
    assertThat(
            MetricPoints.metric(run, PoolMetricNames.JOB_DURATION)
                .getHistogram()
                .getDataPointsList())
        .allMatch(p -> p.getSum() >= 0.02 * p.getCount(), "each job worked 20 ms at least")
        .allMatch(p -> p.getSum() < 3.0 * p.getCount(), "and in seconds, not milliseconds");
    assertThat(
            MetricPoints.longSum(
                run, PoolMetricNames.ACTIVE_WORKERS, "worker_pool.name", "worker-pool"))
        .isZero();
    assertThat(
            MetricPoints.metric(run, PoolMetricNames.ACTIVE_WORKERS).getSum().getDataPointsList())
        .allMatch(
            p -> p.getAttributesList().stream().noneMatch(kv -> kv.getKey().equals("worker.id")));
  }

  @Test
  void theSubmissionAfterStopIsRejected() {
    assertThat(
            MetricPoints.longSum(
                run, PoolMetricNames.JOBS_REJECTED, "worker_pool.rejection.reason", "stopped"))
        .isEqualTo(1);
    assertThat(MetricPoints.longSum(run, PoolMetricNames.WORKERS, "worker_pool.type", "fixed"))
        .isZero();
  }
}
