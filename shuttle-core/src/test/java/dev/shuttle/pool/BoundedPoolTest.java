package dev.shuttle.pool;

import static dev.shuttle.telemetry.PoolAttributes.JOB_OUTCOME;
import static dev.shuttle.telemetry.PoolAttributes.REJECTION_REASON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.telemetry.PoolMetricNames;
import dev.shuttle.testing.TelemetryExtension;
import dev.shuttle.testing.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
      Waits.until(
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
  void awaitWaitsForTheRunningJobsWithoutStoppingThePool() throws Exception {
    // given: one job held back
    CountDownLatch release = new CountDownLatch(1);
    try (BoundedPool pool = BoundedPool.builder().name("waiting").maxConcurrency(2).build()) {
      CompletableFuture<Object> held =
          pool.submit(
              () -> {
                release.await();
                return "released";
              });

      // when / then: await sees it running, and returns once it has ended
      assertThat(pool.await(Duration.ZERO)).isFalse();
      release.countDown();
      pool.await();
      assertThat(held).isCompletedWithValue("released");
      assertThat(pool.running()).isZero();

      // then: the pool still accepts jobs, and stopNow has no queue to report
      assertThat(pool.isStopped()).isFalse();
      assertThat(pool.submit(() -> "again").get()).isEqualTo("again");
      assertThat(pool.stopNow()).isEmpty();
      assertThat(pool.awaitTermination(LIMIT)).isTrue();
    }
  }

  @Test
  void badInputIsRejectedWithAClearMessage() throws Exception {
    assertThatThrownBy(() -> BoundedPool.create(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConcurrency must be at least 1, but was 0");
    assertThatThrownBy(() -> BoundedPool.builder().maxConcurrency(1).maxConcurrency(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maxConcurrency was already set to 1");
    try (BoundedPool pool = BoundedPool.create(1)) { // the rest: PoolContractTest
      assertThatThrownBy(() -> pool.await(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("timeout must not be negative, but was PT-1S");
      assertThat(pool.await(Duration.ZERO)).isTrue();
    }
  }
}
