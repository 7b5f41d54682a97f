package dev.shuttle.pool;

import static dev.shuttle.telemetry.PoolAttributes.JOB_ID;
import static dev.shuttle.telemetry.PoolAttributes.JOB_OUTCOME;
import static dev.shuttle.telemetry.PoolAttributes.JOB_QUEUE_WAIT_NS;
import static dev.shuttle.telemetry.PoolAttributes.POOL_NAME;
import static dev.shuttle.telemetry.PoolAttributes.REJECTION_REASON;
import static dev.shuttle.telemetry.PoolAttributes.WORKER_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.channel.Channel;
import dev.shuttle.telemetry.PoolAttributes;
import dev.shuttle.telemetry.PoolMetricNames;
import dev.shuttle.testing.TelemetryExtension;
import dev.shuttle.testing.Waits;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(20)
class WorkerPoolTest {
  private static final Duration LIMIT = Duration.ofSeconds(5);

  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void defaultsFollowTheGuide() {
    // given / when
    try (WorkerPool pool = WorkerPool.builder().build()) {
      int cpus = Runtime.getRuntime().availableProcessors();

      // then
      assertThat(pool.size()).isEqualTo(cpus);
      assertThat(pool.queueCapacity()).isEqualTo(2 * cpus);
      assertThat(pool.name()).startsWith("worker-pool-");
    }
  }

  @Test
  void jobsFromTwoTracesLandInTheirOwnTracesWhicheverWorkerRanThem() throws Exception {
    // given: two requests, each with its own trace, sharing one pool of 2 workers
    Span requestA = telemetry.sdk().getTracer("test").spanBuilder("request-a").startSpan();
    Span requestB = telemetry.sdk().getTracer("test").spanBuilder("request-b").startSpan();
    Context contextA = Context.root().with(requestA);
    Context contextB = Context.root().with(requestB);

    // when: interleaved submissions, so each worker runs jobs of both traces
    try (WorkerPool pool = WorkerPool.builder().name("shared").size(2).build()) {
      for (int i = 0; i < 20; i++) {
        pool.submit(i % 2 == 0 ? contextA : contextB, () -> Span.current().getSpanContext());
      }
    }
    requestA.end();
    requestB.end();

    // then
    List<SpanData> jobs =
        telemetry.spans().stream()
            .filter(s -> s.getName().equals(PoolAttributes.SPAN_PROCESS_JOB))
            .toList();
    assertThat(jobs).hasSize(20);
    for (SpanData job : jobs) {
      long id = job.getAttributes().get(JOB_ID);
      Span expected = id % 2 == 1 ? requestA : requestB; // ids start at 1: odd ids came from A
      assertThat(job.getTraceId()).isEqualTo(expected.getSpanContext().getTraceId());
      assertThat(job.getParentSpanId()).isEqualTo(expected.getSpanContext().getSpanId());
      assertThat(job.getAttributes().get(POOL_NAME)).isEqualTo("shared");
      assertThat(job.getAttributes().get(WORKER_ID)).isBetween(1L, 2L);
      assertThat(job.getAttributes().get(JOB_QUEUE_WAIT_NS)).isNotNull().isNotNegative();
    }
  }

  @Test
  void queueAndActiveGaugesFollowThePoolAndEndAtZeroAfterItTerminates() throws Exception {
    // given: one worker busy with a job, one job waiting
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    WorkerPool pool = WorkerPool.builder().name("ending").size(1).queueCapacity(4).build();
    pool.submit(
        Context.root(),
        () -> {
          started.countDown();
          release.await();
          return null;
        });
    pool.submit(Context.root(), () -> null);
    started.await();

    // then: a collection reads the pool as it is
    List<MetricData> busy = telemetry.collectMetrics();
    assertThat(gauge(busy, PoolMetricNames.ACTIVE_WORKERS, "ending")).containsExactly(1L);
    assertThat(gauge(busy, PoolMetricNames.QUEUE_SIZE, "ending")).containsExactly(1L);

    // when: the pool ends
    release.countDown();
    pool.close();

    // then: the next collection reports zero, and the one after has no series for it
    List<MetricData> ended = telemetry.collectMetrics();
    assertThat(gauge(ended, PoolMetricNames.ACTIVE_WORKERS, "ending")).containsExactly(0L);
    assertThat(gauge(ended, PoolMetricNames.QUEUE_SIZE, "ending")).containsExactly(0L);
    List<MetricData> after = telemetry.collectMetrics();
    assertThat(gauge(after, PoolMetricNames.ACTIVE_WORKERS, "ending")).isEmpty();
    assertThat(gauge(after, PoolMetricNames.QUEUE_SIZE, "ending")).isEmpty();
  }

  /** The points of one observed pool instrument for the pool {@code name} in {@code metrics}. */
  private static List<Long> gauge(List<MetricData> metrics, String metricName, String name) {
    return metrics.stream()
        .filter(m -> m.getName().equals(metricName))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .filter(p -> name.equals(p.getAttributes().get(POOL_NAME)))
        .map(p -> p.getValue())
        .toList();
  }

  @Test
  void metricsCountEveryJobByOutcomeAndReturnToZeroAfterStop() throws Exception {
    // given
    int jobs = 30;
    int failing = 7;

    // when
    try (WorkerPool pool = WorkerPool.builder().name("counted").size(3).build()) {
      for (int i = 0; i < jobs; i++) {
        boolean fail = i < failing;
        pool.submit(
            () -> {
              if (fail) {
                throw new IllegalStateException("boom");
              }
              return "ok";
            });
      }
    }

    // then
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "success"))
        .isEqualTo(jobs - failing);
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "failure"))
        .isEqualTo(failing);
    assertThat(telemetry.histogramCount(PoolMetricNames.JOB_DURATION, JOB_OUTCOME, "success"))
        .isEqualTo(jobs - failing);
    assertThat(telemetry.histogramCount(PoolMetricNames.QUEUE_WAIT_DURATION, POOL_NAME, "counted"))
        .isEqualTo(jobs);
    assertThat(telemetry.longSum(PoolMetricNames.ACTIVE_WORKERS)).isZero();
    assertThat(telemetry.longSum(PoolMetricNames.QUEUE_SIZE)).isZero();
    assertThat(telemetry.longSum(PoolMetricNames.WORKERS)).isZero();
    assertThat(telemetry.longSum(PoolMetricNames.QUEUE_CAPACITY)).isZero();
    assertThat(telemetry.metric(PoolMetricNames.JOB_DURATION).orElseThrow().getUnit())
        .isEqualTo("s");
  }

  @Test
  void whileRunningTheGaugesShowTheBusyWorkersAndTheQueue() throws Exception {
    // given: 2 workers held busy and 3 jobs queued
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(2);
    try (WorkerPool pool = WorkerPool.builder().name("gauges").size(2).queueCapacity(5).build()) {
      for (int i = 0; i < 5; i++) {
        pool.submit(
            () -> {
              running.countDown();
              release.await();
              return null;
            });
      }

      // when
      running.await();

      // then
      assertThat(telemetry.longSum(PoolMetricNames.ACTIVE_WORKERS)).isEqualTo(2);
      assertThat(telemetry.longSum(PoolMetricNames.WORKERS)).isEqualTo(2);
      assertThat(telemetry.longSum(PoolMetricNames.QUEUE_SIZE)).isEqualTo(3);
      assertThat(telemetry.longSum(PoolMetricNames.QUEUE_CAPACITY)).isEqualTo(5);
      assertThat(pool.queueSize()).isEqualTo(3);
      release.countDown();
    }
    assertThat(telemetry.longSum(PoolMetricNames.QUEUE_SIZE)).isZero();
    assertThat(telemetry.longSum(PoolMetricNames.ACTIVE_WORKERS)).isZero();
  }

  @Test
  void submitWaitsWhileTheQueueIsFullAndTrySubmitRefuses() throws Exception {
    // given: one busy worker and a full queue of one
    CountDownLatch release = new CountDownLatch(1);
    try (WorkerPool pool = WorkerPool.builder().name("full").size(1).queueCapacity(1).build()) {
      CountDownLatch running = new CountDownLatch(1);
      pool.submit(
          () -> {
            running.countDown();
            release.await();
            return 1;
          });
      running.await();
      pool.submit(() -> 2);

      // when
      Optional<CompletableFuture<Integer>> refused = pool.trySubmit(() -> 3);
      CompletableFuture<CompletableFuture<Integer>> blocked = new CompletableFuture<>();
      Thread submitter =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      blocked.complete(pool.submit(() -> 4));
                    } catch (Throwable t) {
                      blocked.completeExceptionally(t);
                    }
                  });
      Waits.until(
          LIMIT, () -> "submitter blocks", () -> submitter.getState() == Thread.State.WAITING);

      // then
      assertThat(refused).isEmpty();
      assertThat(blocked).isNotDone();
      assertThat(telemetry.longSum(PoolMetricNames.QUEUE_SIZE))
          .as("a waiting submitter's job is not in the queue yet")
          .isEqualTo(1);
      release.countDown();
      assertThat(blocked.get().get()).isEqualTo(4);
    }
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_REJECTED, REJECTION_REASON, "queue_full"))
        .isEqualTo(1);
  }

  @Test
  void gracefulStopRunsEveryOneOfTenThousandQueuedJobs() throws Exception {
    // given: workers held back while 10,000 jobs queue up
    int jobs = 10_000;
    CountDownLatch release = new CountDownLatch(1);
    LongAdder ran = new LongAdder();
    WorkerPool pool = WorkerPool.builder().name("drain").size(4).queueCapacity(jobs).build();
    List<CompletableFuture<Integer>> futures = new ArrayList<>(jobs);
    for (int i = 0; i < jobs; i++) {
      int n = i;
      futures.add(
          pool.submit(
              () -> {
                release.await();
                ran.increment();
                return n;
              }));
    }

    // when
    pool.stop();
    release.countDown();
    assertThat(pool.awaitTermination(LIMIT)).isTrue();

    // then
    assertThat(ran.sum()).isEqualTo(jobs);
    for (int i = 0; i < jobs; i++) {
      assertThat(futures.get(i)).isCompletedWithValue(i);
    }
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "success"))
        .isEqualTo(jobs);
    assertThat(pool.workerCount()).isZero();
  }

  @Test
  void aFutureCancelledBeforeItsJobStartsSkipsTheJob() throws Exception {
    // given
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean ran = new AtomicBoolean();
    try (WorkerPool pool = WorkerPool.builder().name("skip").size(1).build()) {
      pool.submit(
          () -> {
            release.await();
            return null;
          });
      CompletableFuture<Object> second =
          pool.submit(
              () -> {
                ran.set(true);
                return null;
              });

      // when
      second.cancel(false);
      release.countDown();
    }

    // then
    assertThat(ran).isFalse();
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "canceled"))
        .isEqualTo(1);
  }

  @Test
  void aMillionTinyJobsAllCompleteAndNoThreadIsLeftAfterwards() throws Exception {
    // given
    int jobs = System.getenv("CI") != null ? 2_000_000 : 1_000_000;
    LongAdder done = new LongAdder();
    Set<Thread> workers = ConcurrentHashMap.newKeySet();
    Callable<Object> job =
        () -> {
          done.increment();
          return done;
        };

    // when: submitted under an unsampled trace, the production case this measures
    Context unsampled =
        Context.root()
            .with(
                Span.wrap(
                    SpanContext.create(
                        "0af7651916cd43dd8448eb211c80319c",
                        "b7ad6b7169203331",
                        TraceFlags.getDefault(),
                        TraceState.getDefault())));
    WorkerPool pool = WorkerPool.builder().name("million").size(2).queueCapacity(1024).build();
    for (int i = 0; i < 4; i++) {
      pool.submit(
          () -> {
            workers.add(Thread.currentThread());
            return null;
          });
    }
    for (int i = 0; i < jobs; i++) {
      pool.submit(unsampled, job);
    }
    pool.close();

    // then
    assertThat(done.sum()).isEqualTo(jobs);
    assertThat(pool.isTerminated()).isTrue();
    assertThat(pool.workerCount()).isZero();
    assertThat(workers).isNotEmpty().allSatisfy(t -> assertThat(t.isAlive()).isFalse());
  }

  @Test
  void resultsAreAlsoDeliveredOnAChannelThatCarriesTheSubmittersContext() throws Exception {
    // given
    Channel<JobResult<String>> results = Channel.buffered(4);
    Span request = telemetry.sdk().getTracer("test").spanBuilder("request").startSpan();
    Context submitter = Context.root().with(request);
    WorkerPool pool = WorkerPool.builder().name("results").size(2).build();

    // when: a producer submits and closes the channel once every result is sent
    Thread producer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    for (int i = 0; i < 20; i++) {
                      int n = i;
                      pool.submit(
                          submitter,
                          () -> {
                            if (n == 3) {
                              throw new IllegalArgumentException("bad " + n);
                            }
                            return "processed-" + n;
                          },
                          results);
                    }
                    pool.close();
                    results.close();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    List<String> values = new ArrayList<>();
    List<Long> failedIds = new ArrayList<>();
    AtomicInteger withTrace = new AtomicInteger();
    for (var message : results.messages()) {
      if (Span.fromContext(message.context())
          .getSpanContext()
          .getTraceId()
          .equals(request.getSpanContext().getTraceId())) {
        withTrace.incrementAndGet();
      }
      switch (message.value()) {
        case JobResult.Success<String> s -> values.add(s.value());
        case JobResult.Failure<String> f -> failedIds.add(f.jobId());
      }
    }
    producer.join();
    request.end();

    // then
    assertThat(values).hasSize(19).contains("processed-0", "processed-19");
    assertThat(failedIds).containsExactly(4L); // the fourth job submitted
    assertThat(withTrace).hasValue(20);
  }

  @Test
  void aResultsChannelNobodyDrainsDoesNotBlockWorkersPastStopNow() throws Exception {
    // given: a results channel of one that nobody reads
    Channel<JobResult<Integer>> results = Channel.buffered(1);
    WorkerPool pool = WorkerPool.builder().name("undrained").size(2).build();
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int n = i;
      futures.add(pool.submit(Context.root(), () -> n, results));
    }
    // two workers: one result fits in the channel, two workers then block on it, one job waits
    Waits.until(
        LIMIT, () -> "three jobs ran", () -> futures.stream().filter(f -> f.isDone()).count() == 3);

    // when
    List<UnstartedJob> unstarted = pool.stopNow();

    // then
    assertThat(pool.awaitTermination(LIMIT)).isTrue();
    assertThat(unstarted).hasSize(1);
    assertThat(futures.stream().filter(f -> f.isDone() && !f.isCancelled()).count()).isEqualTo(3);
    assertThat(results.len()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void aSizeOrCapacityBelowOneIsRejectedAtOnce(int bad) {
    assertThatThrownBy(() -> WorkerPool.builder().size(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size must be at least 1, but was " + bad);
    assertThatThrownBy(() -> WorkerPool.builder().queueCapacity(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("queue capacity must be at least 1, but was " + bad);
    assertThatThrownBy(() -> WorkerPool.create(bad)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badInputIsRejectedWithAClearMessage() {
    assertThatThrownBy(() -> WorkerPool.builder().size(2).size(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("size was already set to 2");
    assertThatThrownBy(() -> WorkerPool.builder().name(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be blank");
    try (WorkerPool pool = WorkerPool.create(1)) { // the rest: PoolContractTest
      assertThatThrownBy(() -> pool.submit(Context.root(), () -> 1, null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("results");
    }
  }
}
