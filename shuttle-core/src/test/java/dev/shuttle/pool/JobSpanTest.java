package dev.shuttle.pool;

import static dev.shuttle.telemetry.PoolAttributes.JOB_ID;
import static dev.shuttle.telemetry.PoolAttributes.JOB_QUEUE_WAIT_NS;
import static dev.shuttle.telemetry.PoolAttributes.POOL_NAME;
import static dev.shuttle.telemetry.PoolAttributes.POOL_SIZE;
import static dev.shuttle.telemetry.PoolAttributes.TASK_ID;
import static dev.shuttle.telemetry.PoolAttributes.WORKER_ID;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.Goroutines;
import dev.shuttle.channel.Channel;
import dev.shuttle.inspect.GoroutineInfo;
import dev.shuttle.telemetry.PoolAttributes;
import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A job whose span the submitter names and attributes: one span per job, in every pool. */
@Timeout(20)
class JobSpanTest {
  private static final AttributeKey<String> GUIDE_TASK_ID = stringKey("task.id");
  private static final AttributeKey<String> GUIDE_JOB_ID = stringKey("job.id");
  private static final AttributeKey<Long> ATTEMPT = longKey("attempt");

  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void aWorkerPoolJobIsTheCallersSpanWithThePoolsAttributesAdded() throws Exception {
    // given
    Span request = telemetry.sdk().getTracer("test").spanBuilder("request").startSpan();
    Context submitter = Context.root().with(request);

    // when: each job is named and attributed by its submitter, and sees that span as current
    List<Boolean> sawItsOwnSpan;
    try (WorkerPool pool = WorkerPool.builder().name("tasks").size(2).build()) {
      List<CompletableFuture<Boolean>> futures =
          List.of(
              pool.submit(
                  submitter,
                  "process-task",
                  Attributes.of(GUIDE_TASK_ID, "task-1", ATTEMPT, 1L),
                  JobSpanTest::currentSpanIsProcessTask),
              pool.submit(
                  submitter,
                  "process-task",
                  Attributes.of(GUIDE_TASK_ID, "task-2", ATTEMPT, 1L),
                  JobSpanTest::currentSpanIsProcessTask));
      sawItsOwnSpan = futures.stream().map(CompletableFuture::join).toList();
    }
    request.end();

    // then: exactly one span per job, the caller's, child of the submitter's, with both sets
    assertThat(sawItsOwnSpan).containsOnly(true);
    assertThat(telemetry.spans()).extracting(SpanData::getName).doesNotContain("process-job");
    List<SpanData> jobs = childrenOf(request);
    assertThat(jobs).hasSize(2).allMatch(s -> s.getName().equals("process-task"));
    assertThat(jobs)
        .extracting(s -> s.getAttributes().get(GUIDE_TASK_ID))
        .containsExactlyInAnyOrder("task-1", "task-2");
    assertThat(jobs)
        .allSatisfy(
            job -> {
              assertThat(job.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
              assertThat(job.getAttributes().get(ATTEMPT)).isEqualTo(1L);
              assertThat(job.getAttributes().get(POOL_NAME)).isEqualTo("tasks");
              assertThat(job.getAttributes().get(WORKER_ID)).isBetween(1L, 2L);
              assertThat(job.getAttributes().get(JOB_ID)).isBetween(1L, 2L);
              assertThat(job.getAttributes().get(JOB_QUEUE_WAIT_NS)).isNotNull().isNotNegative();
              assertThat(job.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            });
  }

  @Test
  void aFailureIsRecordedOnTheCallersSpan() throws Exception {
    // given
    Span request = telemetry.sdk().getTracer("test").spanBuilder("request").startSpan();

    // when
    CompletableFuture<Object> failed;
    try (DynamicWorkerPool pool = DynamicWorkerPool.builder().name("failing").build()) {
      failed =
          pool.submit(
              Context.root().with(request),
              "process-task",
              Attributes.of(GUIDE_TASK_ID, "task-9"),
              () -> {
                throw new IllegalStateException("cannot process task-9");
              });
      assertThatThrownBy(failed::get)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IllegalStateException.class);
    }
    request.end();

    // then
    SpanData job = telemetry.span("process-task");
    assertThat(job.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(job.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(job.getStatus().getDescription()).isEqualTo("cannot process task-9");
    assertThat(job.getEvents()).extracting(e -> e.getName()).contains("exception");
    assertThat(childrenOf(request)).containsExactly(job);
  }

  @Test
  void theCallersAttributesWinOverThePoolsOfTheSameName() throws Exception {
    // when: the guide's job.id is a string; the pool's is a number
    try (WorkerPool pool = WorkerPool.builder().name("ids").size(1).build()) {
      pool.submit(Context.root(), "process-job", Attributes.of(GUIDE_JOB_ID, "job-7"), () -> 1)
          .get();
    }

    // then: one job.id, the caller's
    SpanData job = telemetry.span("process-job");
    assertThat(job.getAttributes().get(GUIDE_JOB_ID)).isEqualTo("job-7");
    assertThat(job.getAttributes().get(JOB_ID)).isNull();
    assertThat(job.getAttributes().get(WORKER_ID)).isEqualTo(1L);
  }

  @Test
  void withoutANameAJobKeepsThePoolsDefaultSpan() throws Exception {
    // when
    try (WorkerPool pool = WorkerPool.builder().name("plain").size(1).build()) {
      pool.submit(Context.root(), () -> 1).get();
      pool.trySubmit(Context.root(), () -> 2).orElseThrow().get();
    }
    try (BoundedPool pool = BoundedPool.builder().name("plain-bounded").build()) {
      pool.submit(Context.root(), () -> 3).get();
    }

    // then
    assertThat(telemetry.spans())
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder(
            PoolAttributes.SPAN_PROCESS_JOB,
            PoolAttributes.SPAN_PROCESS_JOB,
            PoolAttributes.SPAN_POOL_TASK);
  }

  @Test
  void trySubmitAndAResultsChannelTakeTheCallersSpanToo() throws Exception {
    // given
    Channel<JobResult<Integer>> results = Channel.buffered(1);

    // when
    try (WorkerPool pool = WorkerPool.builder().name("both").size(1).build()) {
      pool.trySubmit(Context.root(), "try-job", Attributes.empty(), () -> 1).orElseThrow().get();
      pool.submit(Context.root(), "channel-job", Attributes.empty(), () -> 2, results).get();
    }

    // then
    assertThat(telemetry.span("try-job").getAttributes().get(POOL_NAME)).isEqualTo("both");
    assertThat(telemetry.span("channel-job").getAttributes().get(POOL_NAME)).isEqualTo("both");
    assertThat(results.receive()).isEqualTo(new JobResult.Success<>(2L, 2));
  }

  @Test
  void aBoundedPoolTaskIsTheCallersSpanWithTheGuidesTaskIdAndThePoolSize() throws Exception {
    // given
    Span request = telemetry.sdk().getTracer("test").spanBuilder("request").startSpan();

    // when: the guide's task.id is the caller's string, which wins over the pool's number
    try (BoundedPool pool = BoundedPool.builder().name("bounded").maxConcurrency(3).build()) {
      pool.submit(
              Context.root().with(request),
              "pool-task",
              Attributes.of(GUIDE_TASK_ID, "task-1"),
              () -> Span.current().isRecording())
          .get();
      pool.trySubmit(Context.root().with(request), "try-task", Attributes.of(ATTEMPT, 2L), () -> 0)
          .orElseThrow()
          .get();
    }
    request.end();

    // then
    assertThat(childrenOf(request))
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("pool-task", "try-task");
    SpanData task = telemetry.span("pool-task");
    assertThat(task.getAttributes().get(GUIDE_TASK_ID)).isEqualTo("task-1");
    assertThat(task.getAttributes().get(TASK_ID)).isNull();
    assertThat(task.getAttributes().get(POOL_SIZE)).isEqualTo(3L);
    assertThat(task.getAttributes().get(POOL_NAME)).isEqualTo("bounded");
    assertThat(task.getAttributes().get(JOB_QUEUE_WAIT_NS)).isNotNull();
    SpanData tried = telemetry.span("try-task");
    assertThat(tried.getAttributes().get(TASK_ID)).isEqualTo(2L);
    assertThat(tried.getAttributes().get(ATTEMPT)).isEqualTo(2L);
  }

  @Test
  void theGoroutineRegistryShowsAWorkerRunningInTheJobsSpan() throws Exception {
    // given
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);

    try (WorkerPool pool = WorkerPool.builder().name("live").size(1).build()) {
      // when: a named job is running
      CompletableFuture<Integer> job =
          pool.submit(
              Context.root(),
              "process-task",
              Attributes.empty(),
              () -> {
                started.countDown();
                release.await();
                return 1;
              });
      started.await();
      List<GoroutineInfo> workers =
          Goroutines.snapshot().goroutines().stream()
              .filter(g -> g.owner().equals("pool live"))
              .toList();
      release.countDown();
      job.get();

      // then
      assertThat(workers)
          .singleElement()
          .extracting(GoroutineInfo::spanName)
          .isEqualTo("process-task");
    }
    assertThat(telemetry.span("process-task").getSpanId()).isNotEmpty();
  }

  @Test
  void aBlankSpanNameIsRejectedByTheResultsChannelFormAndBeforeABoundedPoolTakesAPermit() {
    // the other forms: PoolContractTest
    try (WorkerPool pool = WorkerPool.create(1);
        BoundedPool bounded = BoundedPool.create(1)) {
      Context root = Context.root();
      Attributes none = Attributes.empty();
      assertThatThrownBy(() -> pool.submit(root, "\t", none, () -> 1, Channel.buffered(1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("spanName must not be blank");
      assertThatThrownBy(() -> bounded.submit(root, " ", none, () -> 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("spanName must not be blank");
      assertThat(bounded.running()).isZero(); // refused before taking a permit
    }
    assertThat(telemetry.spans()).isEmpty();
  }

  private static boolean currentSpanIsProcessTask() {
    Span current = Span.current();
    return current.isRecording()
        && current instanceof io.opentelemetry.sdk.trace.ReadableSpan readable
        && readable.getName().equals("process-task");
  }

  private List<SpanData> childrenOf(Span parent) {
    String id = parent.getSpanContext().getSpanId();
    return telemetry.spans().stream().filter(s -> s.getParentSpanId().equals(id)).toList();
  }
}
