package dev.shuttle.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.PoolMetricNames;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker whose connection dies mid-job (as when its process is killed) neither acks nor naks:
 * JetStream delivers the job again after ackWait, to a worker that runs it. A delivery past the
 * pool's attempts goes to the dead letters without running.
 */
@Timeout(60)
class NatsWorkerPoolFaultTest {
  private static PoolFixture nats;

  @RegisterExtension final TestTelemetry telemetry = new TestTelemetry();

  @BeforeAll
  static void startServer() throws Exception {
    nats = PoolFixture.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (nats != null) {
      nats.close();
    }
  }

  @Test
  void aJobWhoseWorkerDiedIsDeliveredAgainAndCompletesOnce() throws Exception {
    NatsWorkerPool<String, String> pool = nats.builder().ackWait(Duration.ofSeconds(1)).build();
    NatsJob<String> job = pool.submit(Context.root(), "survivor");
    NatsWorkers dead = killWorkerMidJob(pool);
    AtomicInteger calls = new AtomicInteger();
    try (NatsWorkers workers =
        pool.startWorkers(
            1,
            (ctx, value) -> {
              calls.incrementAndGet();
              return value + " done";
            })) {
      assertThat(job.result(Context.root())).isEqualTo("survivor done");
    } finally {
      dead.stopNow();
      dead.close();
    }

    // Not asserted: jobs_redelivered. After a worker died, nats-server 2.9.10 sometimes delivers
    // the job again with a delivery count of 1 (nats-io/nats-server#5346).
    assertThat(calls).hasValue(1);
    assertThat(nats.stored("shuttle-pool-" + pool.name())).isZero();
  }

  @Test
  void aDeliveryPastTheLastAttemptGoesToTheDeadLettersWithoutRunning() throws Exception {
    NatsWorkerPool<String, String> pool = nats.builder().maxAttempts(1).build();
    NatsJob<String> job = pool.submit(Context.root(), "unlucky");
    CountDownLatch started = new CountDownLatch(1);
    NatsWorkers stopped =
        pool.startWorkers(
            1,
            (ctx, value) -> {
              started.countDown();
              Contexts.cancellation(ctx).await();
              return value;
            });
    assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(stopped.stopNow()).isEqualTo(1); // its only attempt ends without an outcome
    stopped.close();
    AtomicInteger calls = new AtomicInteger();
    try (NatsWorkers workers =
        pool.startWorkers(
            1,
            (ctx, value) -> {
              calls.incrementAndGet();
              return value;
            })) {
      assertThatThrownBy(() -> job.result(Context.root()))
          .isInstanceOfSatisfying(
              NatsJobException.class,
              e -> {
                assertThat(e.outcome()).isEqualTo(NatsJobException.Outcome.DEAD_LETTERED);
                assertThat(e.attempts()).isEqualTo(2);
                assertThat(e.getMessage()).contains("delivered 2 times, more than maxAttempts 1");
              });
    }

    assertThat(calls).hasValue(0);
    assertThat(nats.stored("shuttle-pool-" + pool.name() + "-dead")).isEqualTo(1);
    assertThat(telemetry.sum(PoolMetricNames.JOBS_DEAD_LETTERED, pool.name(), null)).isEqualTo(1);
  }

  /**
   * Starts a worker on a connection of its own, waits until it runs the pool's one job, and closes
   * its connection under it; returns the orphaned workers (to stop once the test is done).
   */
  private static NatsWorkers killWorkerMidJob(NatsWorkerPool<String, String> pool)
      throws Exception {
    Connection doomed = Nats.connect(nats.server.url());
    NatsWorkerPool<String, String> onDoomed =
        NatsWorkerPool.builder(doomed, pool.name(), PoolFixture.TEXT, PoolFixture.TEXT)
            .ackWait(Duration.ofSeconds(1))
            .build();
    CountDownLatch started = new CountDownLatch(1);
    NatsWorkers workers =
        onDoomed.startWorkers(
            1,
            (ctx, value) -> {
              started.countDown();
              Contexts.cancellation(ctx).await(); // until stopNow: the "process" is gone
              return "never delivered";
            });
    assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
    doomed.close();
    return workers;
  }
}
