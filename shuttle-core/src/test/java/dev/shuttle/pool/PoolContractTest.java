package dev.shuttle.pool;

import static dev.shuttle.telemetry.PoolAttributes.JOB_OUTCOME;
import static dev.shuttle.telemetry.PoolAttributes.POOL_NAME;
import static dev.shuttle.telemetry.PoolAttributes.REJECTION_REASON;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Cancellation;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.PoolMetricNames;
import dev.shuttle.telemetry.ShuttleAttributes;
import dev.shuttle.testing.TelemetryExtension;
import dev.shuttle.testing.Waits;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@link Pool} contract, run against every pool by one subclass each: results, failure and
 * panic mapping, span parenting, graceful close, {@code stopNow}, {@code awaitTermination}, refusal
 * after a stop, and argument checks. What only one pool does is tested in its own class.
 */
@Timeout(20)
abstract class PoolContractTest {
  static final Duration LIMIT = Duration.ofSeconds(5);
  private static final AttributeKey<String> TASK = stringKey("task.id");
  private static final ContextKey<String> REQUEST = ContextKey.named("request");

  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  /**
   * Returns a new pool named {@code name} that runs at most {@code concurrency} jobs at once and,
   * if it has a queue, holds {@code queueCapacity} more.
   */
  abstract Pool newPool(String name, int concurrency, int queueCapacity);

  /** The span a job runs in when the submitter names none. */
  abstract String defaultSpanName();

  /** Whether the pool queues accepted jobs that cannot run yet (the bounded pool does not). */
  abstract boolean queues();

  @Test
  void everySubmitFormCompletesTheJobsFutureWithItsValue() throws Exception {
    // given
    List<CompletableFuture<Integer>> futures = new ArrayList<>();

    // when
    try (Pool pool = newPool("results", 3, 50)) {
      for (int i = 0; i < 40; i++) {
        int n = i;
        futures.add(pool.submit(() -> n * n));
      }
      futures.add(pool.submit(Context.root(), () -> 1000));
      futures.add(pool.submit(Context.root(), "named", Attributes.empty(), () -> 1001));
      futures.add(pool.trySubmit(() -> 1002).orElseGet(CompletableFuture::new));
    }

    // then: close waited for all of them
    for (int i = 0; i < 40; i++) {
      assertThat(futures.get(i)).isCompletedWithValue(i * i);
    }
    assertThat(futures.subList(40, 42)).allSatisfy(f -> assertThat(f).isDone());
    assertThat(futures.get(40)).isCompletedWithValue(1000);
    assertThat(futures.get(41)).isCompletedWithValue(1001);
    long tried = futures.get(42).isDone() ? 1 : 0; // trySubmit may find the pool full
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "success"))
        .isEqualTo(42 + tried);
    assertThat(telemetry.histogramCount(PoolMetricNames.QUEUE_WAIT_DURATION, POOL_NAME, "results"))
        .isEqualTo(42 + tried);
    assertThat(telemetry.longSum(PoolMetricNames.ACTIVE_WORKERS)).isZero();
  }

  @Test
  void aFailureFailsTheFutureWithTheJobsOwnExceptionAndMarksItsSpanAndMetrics() throws Exception {
    // given
    IOException failure = new IOException("disk full");

    // when
    CompletableFuture<Object> future;
    try (Pool pool = newPool("failing", 1, 4)) {
      future =
          pool.submit(
              () -> {
                throw failure;
              });
      assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class).hasCause(failure);
    }

    // then
    SpanData span = telemetry.span(defaultSpanName());
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo("disk full");
    assertThat(span.getAttributes().get(ShuttleAttributes.ERROR_TYPE))
        .isEqualTo("java.io.IOException");
    assertThat(span.getEvents()).extracting(EventData::getName).contains("exception");
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "failure"))
        .isEqualTo(1);
    assertThat(telemetry.histogramCount(PoolMetricNames.JOB_DURATION, JOB_OUTCOME, "failure"))
        .isEqualTo(1);
  }

  @Test
  void aPanicAnErrorIsReportedAsAFailureAndThePoolRunsOn() throws Exception {
    // given
    Panic panic = new Panic("invariant broken");

    // when
    try (Pool pool = newPool("panicking", 1, 4)) {
      CompletableFuture<Object> future =
          pool.submit(
              () -> {
                throw panic;
              });
      assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class).hasCause(panic);

      // then: the pool still runs jobs
      assertThat(pool.submit(() -> "after").get()).isEqualTo("after");
    }
    SpanData span =
        telemetry.spans().stream()
            .filter(s -> s.getStatus().getStatusCode() == StatusCode.ERROR)
            .findFirst()
            .orElseThrow();
    assertThat(span.getAttributes().get(ShuttleAttributes.ERROR_TYPE))
        .isEqualTo("dev.shuttle.pool.PoolContractTest.Panic");
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "failure"))
        .isEqualTo(1);
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "success"))
        .isEqualTo(1);
  }

  @Test
  void aRunningJobWhoseSubmitterCancelsIsInterruptedAndCountsAsCanceled() throws Exception {
    // given: a job blocked in a call that answers interrupts only
    CountDownLatch running = new CountDownLatch(1);
    try (Pool pool = newPool("cancelled", 1, 4);
        CancelableContext request = Contexts.withCancel(Context.root())) {
      CompletableFuture<Object> future =
          pool.submit(
              request.context(),
              () -> {
                running.countDown();
                Thread.sleep(Duration.ofMinutes(1));
                return "slept";
              });
      running.await();

      // when
      request.cancel();

      // then
      assertThatThrownBy(future::get).cause().isInstanceOf(ContextDoneException.class);
    }
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "canceled"))
        .isEqualTo(1);
    assertThat(telemetry.span(defaultSpanName()).getStatus().getStatusCode())
        .isEqualTo(StatusCode.ERROR);
  }

  @Test
  void eachJobSpanIsAChildOfItsSubmittersSpanAndSeesItsContext() throws Exception {
    // given
    Span request = telemetry.sdk().getTracer("test").spanBuilder("request").startSpan();
    Context submitter = Context.root().with(request).with(REQUEST, "r-7");

    // when
    String seen;
    String seenNamed;
    try (Pool pool = newPool("traced", 2, 4)) {
      seen = pool.submit(submitter, PoolContractTest::whatTheJobSees).get();
      seenNamed =
          pool.submit(
                  submitter,
                  "process-task",
                  Attributes.of(TASK, "task-1"),
                  PoolContractTest::whatTheJobSees)
              .get();
      try (Scope ignored = submitter.makeCurrent()) {
        pool.submit(() -> "current context").get(); // the form without a context takes the current
      }
    }
    request.end();

    // then
    assertThat(seen).isEqualTo("r-7:" + defaultSpanName());
    assertThat(seenNamed).isEqualTo("r-7:process-task");
    List<SpanData> jobs =
        telemetry.spans().stream().filter(s -> !s.getName().equals("request")).toList();
    assertThat(jobs).hasSize(3);
    assertThat(jobs)
        .allSatisfy(
            job -> {
              assertThat(job.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
              assertThat(job.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
              assertThat(job.getAttributes().get(POOL_NAME)).isEqualTo("traced");
            });
    SpanData named = telemetry.span("process-task");
    assertThat(named.getAttributes().get(TASK)).isEqualTo("task-1");
    assertThat(named.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void closeStopsTakingJobsAndWaitsForEveryAcceptedOne() throws Exception {
    // given: jobs held back, and (in a pool with a queue) more waiting for a worker
    CountDownLatch release = new CountDownLatch(1);
    int accepted = queues() ? 6 : 2;
    Pool pool = newPool("draining", 2, 4);
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < accepted; i++) {
      int n = i;
      futures.add(
          pool.submit(
              () -> {
                release.await();
                return n;
              }));
    }

    // when
    Thread closer = Thread.ofVirtual().start(pool::close);
    Waits.until(LIMIT, () -> "close waits", () -> closer.getState() == Thread.State.WAITING);

    // then: stopped, still waiting, and every accepted job runs once released
    assertThat(pool.isStopped()).isTrue();
    assertThat(pool.isTerminated()).isFalse();
    assertThat(futures).noneMatch(CompletableFuture::isDone);
    assertThatThrownBy(() -> pool.submit(() -> -1)).isInstanceOf(PoolStoppedException.class);
    release.countDown();
    closer.join();
    assertThat(pool.isTerminated()).isTrue();
    for (int i = 0; i < accepted; i++) {
      assertThat(futures.get(i)).isCompletedWithValue(i);
    }
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "success"))
        .isEqualTo(accepted);
    assertThat(telemetry.longSum(PoolMetricNames.ACTIVE_WORKERS)).isZero();
    assertThat(telemetry.longSum(PoolMetricNames.QUEUE_SIZE)).isZero();
  }

  @Test
  void stopNowInterruptsRunningJobsAndReportsEveryQueuedOne() throws Exception {
    // given: two jobs sleeping (they answer interrupts only), and queued ones if the pool queues
    Pool pool = newPool("stop-now", 2, 3);
    CountDownLatch running = new CountDownLatch(2);
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < (queues() ? 5 : 2); i++) {
      futures.add(
          pool.submit(
              () -> {
                running.countDown();
                Thread.sleep(Duration.ofMinutes(1));
                return "slept";
              }));
    }
    running.await();

    // when
    List<UnstartedJob> unstarted = pool.stopNow();

    // then: the queued jobs are returned in order with cancelled futures, the running ones end
    assertThat(pool.awaitTermination(LIMIT)).isTrue();
    assertThat(pool.isTerminated()).isTrue();
    if (queues()) {
      assertThat(unstarted).extracting(UnstartedJob::jobId).containsExactly(3L, 4L, 5L);
      assertThat(futures.subList(2, 5)).allSatisfy(f -> assertThat(f).isCancelled());
    } else {
      assertThat(unstarted).isEmpty();
    }
    assertThat(futures.subList(0, 2))
        .allSatisfy(
            f ->
                assertThatThrownBy(f::get)
                    .cause()
                    .isInstanceOfAny(InterruptedException.class, ContextDoneException.class));
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "canceled"))
        .isEqualTo(2);
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED)).isEqualTo(2);
    assertThat(telemetry.longSum(PoolMetricNames.QUEUE_SIZE)).isZero();
    assertThat(telemetry.longSum(PoolMetricNames.ACTIVE_WORKERS)).isZero();
    assertThat(pool.stopNow()).isEmpty();
    assertThatThrownBy(() -> pool.submit(() -> "late")).isInstanceOf(PoolStoppedException.class);
  }

  @Test
  void stopNowCancelsTheContextOfARunningJobThatWatchesIt() throws Exception {
    // given: a job that waits for its own context, not for an interrupt
    Pool pool = newPool("watching", 1, 2);
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<Object> future =
        pool.submit(
            () -> {
              running.countDown();
              Cancellation own = Contexts.cancellation(Context.current());
              while (true) {
                try {
                  own.await();
                  return own.cause();
                } catch (InterruptedException interrupt) {
                  // stopNow interrupts too; this job waits for its context
                }
              }
            });
    running.await();

    // when
    pool.stopNow();

    // then: it sees the stop as its context's cause
    assertThat(future.get()).isInstanceOf(PoolStoppedException.class);
    assertThat(pool.awaitTermination(LIMIT)).isTrue();
  }

  @Test
  void awaitTerminationIsFalseUntilStoppedAndEveryJobHasEnded() throws Exception {
    // given
    CountDownLatch release = new CountDownLatch(1);
    Pool pool = newPool("terminating", 1, 2);
    CompletableFuture<Object> held =
        pool.submit(
            () -> {
              release.await();
              return "released";
            });

    // when / then: running, then stopped with a job still running, then terminated
    assertThat(pool.awaitTermination(Duration.ZERO)).isFalse();
    pool.stop();
    assertThat(pool.isStopped()).isTrue();
    assertThat(pool.awaitTermination(Duration.ZERO)).isFalse();
    assertThat(pool.isTerminated()).isFalse();
    release.countDown();
    assertThat(pool.awaitTermination(LIMIT)).isTrue();
    pool.awaitTermination();
    assertThat(pool.isTerminated()).isTrue();
    assertThat(held).isCompletedWithValue("released");
    assertThat(pool.toString()).contains("terminating").contains("terminated");
  }

  @Test
  void closeInterruptedWhileWaitingStopsNowAndKeepsTheInterrupt() throws Exception {
    // given: a job that would sleep for a minute, and a thread closing the pool
    Pool pool = newPool("impatient", 1, 2);
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<Object> sleeper =
        pool.submit(
            () -> {
              running.countDown();
              Thread.sleep(Duration.ofMinutes(1));
              return "slept";
            });
    running.await();
    AtomicBoolean interruptKept = new AtomicBoolean();
    Thread closer =
        Thread.ofVirtual()
            .start(
                () -> {
                  pool.close();
                  interruptKept.set(Thread.currentThread().isInterrupted());
                });
    Waits.until(LIMIT, () -> "close waits", () -> closer.getState() == Thread.State.WAITING);

    // when
    closer.interrupt();
    closer.join();

    // then
    assertThat(interruptKept).isTrue();
    assertThat(pool.isTerminated()).isTrue();
    assertThatThrownBy(sleeper::get).cause().isInstanceOf(InterruptedException.class);
  }

  @Test
  void everySubmitFormAfterCloseIsRefusedWithAClearException() throws Exception {
    // given
    Pool pool = newPool("closed", 1, 2);
    pool.close();
    pool.close(); // idempotent

    // when / then
    String message = "pool 'closed' is stopped and accepts no new jobs";
    assertThatThrownBy(() -> pool.submit(() -> 1)).hasMessage(message);
    assertThatThrownBy(() -> pool.submit(Context.root(), () -> 1))
        .isInstanceOf(PoolStoppedException.class);
    assertThatThrownBy(() -> pool.submit(Context.root(), "job", Attributes.empty(), () -> 1))
        .isInstanceOf(PoolStoppedException.class);
    assertThatThrownBy(() -> pool.trySubmit(() -> 1)).isInstanceOf(PoolStoppedException.class);
    assertThatThrownBy(() -> pool.trySubmit(Context.root(), "job", Attributes.empty(), () -> 1))
        .isInstanceOf(PoolStoppedException.class);
    assertThat(pool.stopNow()).isEmpty();
    assertThat(pool.isTerminated()).isTrue();
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_REJECTED, REJECTION_REASON, "stopped"))
        .isEqualTo(5);
    assertThat(telemetry.spans()).isEmpty();
  }

  @Test
  void aSubmitterWaitingForRoomIsToldWhenThePoolStops() throws Exception {
    // given: a full pool and a submitter waiting for room
    CountDownLatch release = new CountDownLatch(1);
    Pool pool = newPool("stop-waiters", 1, 1);
    fill(pool, release);
    CompletableFuture<Throwable> outcome = submitInBackground(pool, Context.root());

    // when
    pool.stop();

    // then
    assertThat(outcome.get()).isInstanceOf(PoolStoppedException.class);
    release.countDown();
    assertThat(pool.awaitTermination(LIMIT)).isTrue();
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_REJECTED, REJECTION_REASON, "stopped"))
        .isEqualTo(1);
  }

  @Test
  void aSubmitterWaitingForRoomGivesUpWhenItsContextIsCancelled() throws Exception {
    // given: a full pool and a submitter waiting for room under a request's context
    CountDownLatch release = new CountDownLatch(1);
    try (Pool pool = newPool("cancel-waiters", 1, 1);
        CancelableContext request = Contexts.withCancel(Context.root())) {
      fill(pool, release);
      CompletableFuture<Throwable> outcome = submitInBackground(pool, request.context());

      // when
      request.cancel();

      // then
      assertThat(outcome.get()).isInstanceOf(ContextDoneException.class);
      assertThat(pool.trySubmit(() -> 0)).as("still full").isEmpty();
      release.countDown();
    }
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_REJECTED, REJECTION_REASON, "context_done"))
        .isEqualTo(1);
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_REJECTED, REJECTION_REASON, "queue_full"))
        .isEqualTo(1 + 1); // the fill's last try, and the one above
  }

  @Test
  void aSubmitUnderADoneContextIsRefusedEvenWithRoom() throws Exception {
    // given
    CancelableContext done = Contexts.withCancel(Context.root());
    done.cancel();

    // when / then
    try (Pool pool = newPool("done", 1, 2)) {
      assertThatThrownBy(() -> pool.submit(done.context(), () -> 1))
          .isInstanceOf(ContextDoneException.class);
    }
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_REJECTED, REJECTION_REASON, "context_done"))
        .isEqualTo(1);
  }

  @Test
  void badArgumentsAreRejectedWithAClearMessageAndLeaveThePoolUsable() throws Exception {
    try (Pool pool = newPool("checked", 1, 2)) {
      Context root = Context.root();
      Attributes none = Attributes.empty();
      Callable<Integer> job = () -> 1;
      assertThatThrownBy(() -> pool.submit(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("job");
      assertThatThrownBy(() -> pool.trySubmit(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("job");
      assertThatThrownBy(() -> pool.submit(null, job))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("context");
      assertThatThrownBy(() -> pool.submit(root, " ", none, job))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("spanName must not be blank");
      assertThatThrownBy(() -> pool.trySubmit(root, "", none, job))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("spanName must not be blank");
      assertThatThrownBy(() -> pool.submit(root, null, none, job))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("spanName");
      assertThatThrownBy(() -> pool.submit(root, "job", null, job))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("attributes");
      assertThatThrownBy(() -> pool.awaitTermination(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("timeout must not be negative, but was PT-0.001S");

      // then: nothing was accepted, and the pool still works
      assertThat(telemetry.spans()).isEmpty();
      assertThat(pool.submit(job).get()).isEqualTo(1);
    }
  }

  /**
   * Submits held jobs until the pool refuses one: every worker busy and the queue, if any, full.
   */
  private static void fill(Pool pool, CountDownLatch release) throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    pool.submit(
        () -> {
          started.countDown();
          release.await();
          return null;
        });
    started.await();
    while (pool.trySubmit(
            () -> {
              release.await();
              return null;
            })
        .isPresent()) {
      // until full
    }
  }

  /** Submits a job from another thread, which waits for room; returns how that submit ended. */
  private static CompletableFuture<Throwable> submitInBackground(Pool pool, Context context)
      throws InterruptedException {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread submitter =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    pool.submit(context, () -> "late");
                    outcome.complete(null);
                  } catch (Throwable t) {
                    outcome.complete(t);
                  }
                });
    Waits.until(LIMIT, () -> "submitter waits", () -> submitter.getState() == Thread.State.WAITING);
    return outcome;
  }

  private static String whatTheJobSees() {
    Span current = Span.current();
    String name =
        current instanceof io.opentelemetry.sdk.trace.ReadableSpan readable
            ? readable.getName()
            : "none";
    return Context.current().get(REQUEST) + ":" + name;
  }

  /** An {@link Error} a job throws: Go's panic. */
  static final class Panic extends Error {
    private static final long serialVersionUID = 1L;

    Panic(String message) {
      super(message);
    }
  }
}
