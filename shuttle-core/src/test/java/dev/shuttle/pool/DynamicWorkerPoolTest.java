package dev.shuttle.pool;

import static dev.shuttle.telemetry.PoolAttributes.JOB_OUTCOME;
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
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(20)
class DynamicWorkerPoolTest {
  private static final Duration LIMIT = Duration.ofSeconds(5);

  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void aBurstGrowsThePoolToItsMaximumAndIdlenessShrinksItBackToItsMinimum() throws Exception {
    // given
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    try (DynamicWorkerPool pool =
        DynamicWorkerPool.builder()
            .name("burst")
            .minWorkers(1)
            .maxWorkers(4)
            .queueCapacity(100)
            .growThreshold(2)
            .idleTimeout(Duration.ofMillis(100))
            .build()) {
      assertThat(pool.workerCount()).isEqualTo(1);

      // when: a burst of jobs that hold their workers
      List<CompletableFuture<Object>> jobs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        jobs.add(
            pool.submit(
                () -> {
                  peak.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                  release.await();
                  concurrent.decrementAndGet();
                  return null;
                }));
      }

      // then: it grows to the maximum, and no further
      Waits.until(LIMIT, () -> "grows to 4: " + pool, () -> pool.workerCount() == 4);
      Waits.until(LIMIT, () -> "4 busy: " + pool, () -> concurrent.get() == 4);
      assertThat(telemetry.longSum(PoolMetricNames.WORKERS)).isEqualTo(4);

      // when: the burst is over
      release.countDown();
      jobs.forEach(CompletableFuture::join);

      // then: idle workers retire down to the minimum, which a caller can wait for
      assertThat(pool.awaitWorkersAtMost(1, LIMIT)).as("shrinks to 1: %s", pool).isTrue();
      assertThat(pool.workerCount()).isEqualTo(1);
      assertThat(peak).hasValue(4);
      assertThat(telemetry.longSum(PoolMetricNames.WORKERS)).isEqualTo(1);
      Thread.sleep(300); // three idle timeouts: the minimum stays
      assertThat(pool.workerCount()).isEqualTo(1);
    }
    assertThat(telemetry.longSum(PoolMetricNames.WORKERS)).isZero();
    assertThat(telemetry.longSum(PoolMetricNames.JOBS_PROCESSED, JOB_OUTCOME, "success"))
        .isEqualTo(40);
  }

  @Test
  void aPoolWithAMinimumOfZeroStillRunsJobsAndEmptiesWhenIdle() throws Exception {
    // given
    try (DynamicWorkerPool pool =
        DynamicWorkerPool.builder()
            .name("zero")
            .minWorkers(0)
            .maxWorkers(2)
            .idleTimeout(Duration.ofMillis(50))
            .build()) {
      assertThat(pool.workerCount()).isZero();

      // when
      assertThat(pool.submit(() -> "first").get()).isEqualTo("first");
      Waits.until(LIMIT, () -> "empties: " + pool, () -> pool.workerCount() == 0);

      // then: the next job starts a worker again
      assertThat(pool.submit(() -> "second").get()).isEqualTo("second");
    }
  }

  @Test
  void resizingAtRuntimeStartsMissingWorkersAndRetiresExtraOnes() throws Exception {
    // given
    try (DynamicWorkerPool pool =
        DynamicWorkerPool.builder()
            .name("resize")
            .minWorkers(1)
            .maxWorkers(2)
            .idleTimeout(Duration.ofSeconds(30))
            .build()) {

      // when: a higher minimum
      pool.resize(5, 8);

      // then
      assertThat(pool.workerCount()).isEqualTo(5);
      assertThat(pool.minWorkers()).isEqualTo(5);
      assertThat(pool.maxWorkers()).isEqualTo(8);

      // when: a lower maximum
      pool.resize(1, 2, Duration.ofMillis(50));

      // then: idle workers retire down to the new maximum, then to the minimum
      Waits.until(LIMIT, () -> "shrinks to 1: " + pool, () -> pool.workerCount() == 1);
      assertThat(pool.idleTimeout()).isEqualTo(Duration.ofMillis(50));
      assertThat(pool.submit(() -> 42).get()).isEqualTo(42);
    }
  }

  @Test
  void concurrentSubmittersAndResizesNeitherDeadlockNorLoseJobs() throws Exception {
    // given
    int submitters = 4;
    int perSubmitter = System.getenv("CI") != null ? 20_000 : 5_000;
    LongAdder ran = new LongAdder();
    DynamicWorkerPool pool =
        DynamicWorkerPool.builder()
            .name("churn")
            .minWorkers(0)
            .maxWorkers(4)
            .queueCapacity(16)
            .growThreshold(4)
            .idleTimeout(Duration.ofMillis(1))
            .build();

    // when: submitters race with a thread that keeps resizing the pool
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < submitters; s++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < perSubmitter; i++) {
                        pool.submit(
                            () -> {
                              ran.increment();
                              return null;
                            });
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    Thread resizer =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                    pool.resize(i % 3, 1 + i % 4);
                    Thread.onSpinWait();
                  }
                });
    for (Thread t : threads) {
      t.join();
    }
    resizer.interrupt();
    resizer.join();
    pool.close();

    // then
    assertThat(ran.sum()).isEqualTo((long) submitters * perSubmitter);
    assertThat(pool.workerCount()).isZero();
    assertThat(telemetry.longSum(PoolMetricNames.WORKERS)).isZero();
    assertThat(telemetry.longSum(PoolMetricNames.ACTIVE_WORKERS)).isZero();
    assertThat(telemetry.longSum(PoolMetricNames.QUEUE_SIZE)).isZero();
  }

  @Test
  void defaultsFollowTheGuideAndAnts() {
    try (DynamicWorkerPool pool = DynamicWorkerPool.builder().build()) {
      assertThat(pool.minWorkers()).isEqualTo(1);
      assertThat(pool.maxWorkers())
          .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors()));
      assertThat(pool.queueCapacity()).isEqualTo(100);
      assertThat(pool.idleTimeout()).isEqualTo(Duration.ofSeconds(1));
      assertThat(pool.name()).startsWith("dynamic-pool-");
    }
  }

  @Test
  void badBoundsAreRejectedWithAClearMessage() {
    assertThatThrownBy(() -> DynamicWorkerPool.builder().minWorkers(3).maxWorkers(2).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minWorkers (3) must not be greater than maxWorkers (2)");
    assertThatThrownBy(() -> DynamicWorkerPool.builder().minWorkers(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minWorkers must not be negative, but was -1");
    assertThatThrownBy(() -> DynamicWorkerPool.builder().maxWorkers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxWorkers must be at least 1, but was 0");
    assertThatThrownBy(() -> DynamicWorkerPool.builder().idleTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("idleTimeout must be positive, but was PT0S");
    assertThatThrownBy(() -> DynamicWorkerPool.builder().idleTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> DynamicWorkerPool.builder().queueCapacity(10).growThreshold(10).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "growThreshold (10) must be below the queue capacity (10), or the pool could never"
                + " grow");
    assertThatThrownBy(() -> DynamicWorkerPool.builder().maxWorkers(2).maxWorkers(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maxWorkers was already set to 2");
    try (DynamicWorkerPool pool = DynamicWorkerPool.builder().maxWorkers(2).build()) {
      assertThatThrownBy(() -> pool.resize(3, 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("minWorkers (3) must not be greater than maxWorkers (2)");
      assertThat(pool.maxWorkers()).isEqualTo(2);
      assertThatThrownBy(() -> pool.submit(null)).isInstanceOf(NullPointerException.class);
    }
  }

  @Test
  void awaitWorkersAtMostGivesUpAfterItsTimeoutAndRejectsBadInput() throws Exception {
    // given: a pool whose minimum keeps two workers alive
    try (DynamicWorkerPool pool =
        DynamicWorkerPool.builder().name("floor").minWorkers(2).maxWorkers(2).build()) {
      pool.submit(() -> null).join();

      // then
      assertThat(pool.awaitWorkersAtMost(2, Duration.ZERO)).isTrue();
      assertThat(pool.awaitWorkersAtMost(1, Duration.ofMillis(50))).isFalse();
      assertThatThrownBy(() -> pool.awaitWorkersAtMost(-1, Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-1");
      assertThatThrownBy(() -> pool.awaitWorkersAtMost(1, Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
