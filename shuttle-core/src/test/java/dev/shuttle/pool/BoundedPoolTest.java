package dev.shuttle.pool;

import static dev.shuttle.pool.PoolTesting.eventually;
import static dev.shuttle.telemetry.PoolAttributes.JOB_OUTCOME;
import static dev.shuttle.telemetry.PoolAttributes.POOL_NAME;
import static dev.shuttle.telemetry.PoolAttributes.POOL_SIZE;
import static dev.shuttle.telemetry.PoolAttributes.REJECTION_REASON;
import static dev.shuttle.telemetry.PoolAttributes.TASK_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.PoolAttributes;
import dev.shuttle.telemetry.PoolMetricNames;
import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(20)
class BoundedPoolTest {
  private static final Duration LIMIT = Duration.ofSeconds(5);

  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void neverRunsMoreThanTheLimitAtOnceAndRunsEveryTask() throws Exception {
    // given
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    List<CompletableFuture<Integer>> futures = new ArrayList<>();

    // when
    try (BoundedPool pool = BoundedPool.builder().name("limited").maxConcurrency(3).build()) {
      for (int i = 0; i < 60; i++) {
        int n = i;
        futures.add(
            pool.submit(
                () -> {
                  peak.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                  Thread.sleep(1);
                  concurrent.decrementAndGet();
                  return n;
                }));
      }
      pool.await();

      // then
      assertThat(pool.running()).isZero();
    }
    assertThat(peak.get()).isBetween(1, 3);
    for (int i = 0; i < 60; i++) {
      assertThat(futures.get(i)).isCompletedWithValue(i);
    }
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "success"))
        .isEqualTo(60);
    assertThat(telemetry.longSum(PoolMetricNames.ACTIVE_WORKERS)).isZero();
  }

  @Test
  void submitWaitsForAPermitBeforeAnyThreadStarts() throws Exception {
    // given: the limit reached
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    try (BoundedPool pool = BoundedPool.builder().name("back-pressure").maxConcurrency(2).build()) {
      for (int i = 0; i < 2; i++) {
        pool.submit(
            () -> {
              started.incrementAndGet();
              release.await();
              return null;
            });
      }

      // when
      CompletableFuture<Integer> third = new CompletableFuture<>();
      Thread submitter =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      started.incrementAndGet();
                      third.complete(pool.submit(() -> 3).get());
                    } catch (Exception e) {
                      third.completeExceptionally(e);
                    }
                  });
      eventually(
          LIMIT, () -> "submitter waits", () -> submitter.getState() == Thread.State.WAITING);

      // then: the submitter waits, and the third task has no thread yet
      assertThat(pool.trySubmit(() -> 4)).isEmpty();
      assertThat(pool.running()).isEqualTo(2);
      assertThat(third).isNotDone();
      release.countDown();
      assertThat(third.get()).isEqualTo(3);
    }
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_REJECTED, REJECTION_REASON, "queue_full"))
        .isEqualTo(1);
  }

  @Test
  void aWaitingSubmitterGivesUpWhenItsContextIsCancelled() throws Exception {
    // given
    CountDownLatch release = new CountDownLatch(1);
    try (BoundedPool pool = BoundedPool.create(1);
        CancelableContext request = Contexts.withCancel(Context.root())) {
      pool.submit(
          () -> {
            release.await();
            return null;
          });
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread submitter =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      pool.submit(request.context(), () -> 2);
                      outcome.complete(null);
                    } catch (Throwable t) {
                      outcome.complete(t);
                    }
                  });
      eventually(
          LIMIT, () -> "submitter waits", () -> submitter.getState() == Thread.State.WAITING);

      // when
      request.cancel();

      // then
      assertThat(outcome.get()).isInstanceOf(ContextDoneException.class);
      release.countDown();
    }
  }

  @Test
  void eachTaskSpanIsAChildOfItsSubmittersContextWithTheGuidesAttributes() throws Exception {
    // given
    Span request = telemetry.sdk().getTracer("test").spanBuilder("request").startSpan();

    // when
    try (BoundedPool pool = BoundedPool.builder().name("traced").maxConcurrency(2).build()) {
      pool.submit(Context.root().with(request), () -> "ok").get();
      CompletableFuture<Object> failed =
          pool.submit(
              Context.root().with(request),
              () -> {
                throw new IllegalStateException("broken");
              });
      assertThatThrownBy(failed::get)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IllegalStateException.class);
    }
    request.end();

    // then
    List<SpanData> tasks =
        telemetry.spans().stream()
            .filter(s -> s.getName().equals(PoolAttributes.SPAN_POOL_TASK))
            .toList();
    assertThat(tasks).hasSize(2);
    assertThat(tasks)
        .allSatisfy(
            s -> {
              assertThat(s.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
              assertThat(s.getAttributes().get(POOL_SIZE)).isEqualTo(2L);
              assertThat(s.getAttributes().get(POOL_NAME)).isEqualTo("traced");
            });
    assertThat(tasks).extracting(s -> s.getAttributes().get(TASK_ID)).containsOnly(1L, 2L);
    assertThat(tasks)
        .extracting(s -> s.getStatus().getStatusCode())
        .containsOnly(StatusCode.UNSET, StatusCode.ERROR);
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "failure"))
        .isEqualTo(1);
  }

  @Test
  void aStoppedPoolRefusesTasksAndTellsWaitingSubmitters() throws Exception {
    // given
    CountDownLatch release = new CountDownLatch(1);
    BoundedPool pool = BoundedPool.builder().name("stopping").maxConcurrency(1).build();
    CompletableFuture<Object> running =
        pool.submit(
            () -> {
              release.await();
              return "finished";
            });
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread submitter =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    pool.submit(() -> 2);
                    outcome.complete(null);
                  } catch (Throwable t) {
                    outcome.complete(t);
                  }
                });
    eventually(LIMIT, () -> "submitter waits", () -> submitter.getState() == Thread.State.WAITING);

    // when
    pool.stop();

    // then
    assertThat(outcome.get()).isInstanceOf(PoolStoppedException.class);
    assertThatThrownBy(() -> pool.submit(() -> 3))
        .isInstanceOf(PoolStoppedException.class)
        .hasMessage("pool 'stopping' is stopped and accepts no new jobs");
    release.countDown();
    pool.close();
    assertThat(running).isCompletedWithValue("finished");
    assertThat(pool.isStopped()).isTrue();
  }

  @Test
  void badInputIsRejectedWithAClearMessage() throws Exception {
    assertThatThrownBy(() -> BoundedPool.create(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConcurrency must be at least 1, but was 0");
    assertThatThrownBy(() -> BoundedPool.builder().maxConcurrency(1).maxConcurrency(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maxConcurrency was already set to 1");
    try (BoundedPool pool = BoundedPool.create(1)) {
      assertThatThrownBy(() -> pool.submit(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("job");
      assertThatThrownBy(() -> pool.await(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("timeout must not be negative, but was PT-1S");
      assertThat(pool.await(Duration.ZERO)).isTrue();
    }
  }
}
