package dev.shuttle.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.pool.PoolStoppedException;
import dev.shuttle.telemetry.PoolMetricNames;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The submitter's deadline and cancellation reach the workers; stopped workers hand their jobs
 * back; a full stream holds submitters back.
 */
@Timeout(60)
class NatsWorkerPoolCancellationTest {
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
  void aJobWhoseDeadlinePassedBeforeAWorkerTookItIsNotRun() throws Exception {
    NatsWorkerPool<String, String> pool = nats.builder().build();
    NatsJob<String> job;
    try (CancelableContext submitter =
        Contexts.withTimeout(Context.root(), Duration.ofMillis(200))) {
      job = pool.submit(submitter.context(), "late");
      submitter.cancellation().await(); // the job is held up past its deadline
    }
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
                assertThat(e.outcome()).isEqualTo(NatsJobException.Outcome.EXPIRED);
                assertThat(e.getMessage()).contains("passed before a worker took the job");
              });
    }

    assertThat(calls).hasValue(0);
    assertThat(telemetry.sum(PoolMetricNames.JOBS_EXPIRED, pool.name(), null)).isEqualTo(1);
    assertThat(telemetry.sum(PoolMetricNames.JOBS_PROCESSED, pool.name(), null)).isZero();
    assertThat(nats.stored("shuttle-pool-" + pool.name())).isZero();
  }

  @Test
  void aRunningJobIsCancelledWhenItsSubmittersContextIs() throws Exception {
    NatsWorkerPool<String, String> pool = nats.builder().build();
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Throwable> seen = new AtomicReference<>();
    try (NatsWorkers workers =
        pool.startWorkers(
            1,
            (ctx, value) -> {
              started.countDown();
              Contexts.cancellation(ctx).await();
              seen.set(Contexts.cause(ctx));
              throw new ContextDoneException(Contexts.err(ctx), Contexts.cause(ctx));
            })) {
      NatsJob<String> job;
      try (CancelableContext submitter = Contexts.withCancel(Context.root())) {
        job = pool.submit(submitter.context(), "long");
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        submitter.cancel(new IllegalStateException("user left"));
      }
      assertThatThrownBy(() -> job.result(Context.root()))
          .isInstanceOfSatisfying(
              NatsJobException.class,
              e -> {
                assertThat(e.outcome()).isEqualTo(NatsJobException.Outcome.CANCELED);
                assertThat(e.getMessage()).contains("java.lang.IllegalStateException: user left");
              });
    }

    assertThat(seen.get())
        .isInstanceOf(RemoteCancellationException.class)
        .hasMessage("java.lang.IllegalStateException: user left");
    assertThat(telemetry.sum(PoolMetricNames.JOBS_PROCESSED, pool.name(), "canceled")).isEqualTo(1);
    assertThat(nats.stored("shuttle-pool-" + pool.name())).isZero();
  }

  @Test
  void aJobCancelledWhileItWaitedForABusyWorkerIsNotStarted() throws Exception {
    NatsWorkerPool<String, String> pool = nats.builder().build();
    CountDownLatch blockerStarted = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    try (NatsWorkers workers =
        pool.startWorkers(
            1,
            (ctx, value) -> {
              calls.incrementAndGet();
              blockerStarted.countDown();
              Contexts.cancellation(ctx).await(); // busy until its submitter cancels it
              throw new ContextDoneException(Contexts.err(ctx), Contexts.cause(ctx));
            })) {
      Subscription cancels = nats.connection.subscribe("shuttle.pool." + pool.name() + ".cancel");
      try (CancelableContext blockerSubmitter = Contexts.withCancel(Context.root());
          CancelableContext waitingSubmitter = Contexts.withCancel(Context.root())) {
        NatsJob<String> blocker = pool.submit(blockerSubmitter.context(), "blocker");
        assertThat(blockerStarted.await(20, TimeUnit.SECONDS)).isTrue(); // the one slot is busy
        NatsJob<String> waiting = pool.submit(waitingSubmitter.context(), "waiting");

        waitingSubmitter.cancel(new IllegalStateException("changed my mind"));
        assertThat(cancels.nextMessage(Duration.ofSeconds(20))).isNotNull(); // it went by
        // Cancelling the blocker only now orders its cancel message after the waiting job's, on
        // the workers' subscription too: once the blocker ends, the workers know the waiting job
        // was cancelled when the freed slot takes it.
        blockerSubmitter.cancel(new IllegalStateException("done waiting"));

        assertThatThrownBy(() -> blocker.result(Context.root()))
            .isInstanceOfSatisfying(
                NatsJobException.class,
                e -> assertThat(e.outcome()).isEqualTo(NatsJobException.Outcome.CANCELED));
        assertThatThrownBy(() -> waiting.result(Context.root()))
            .isInstanceOfSatisfying(
                NatsJobException.class,
                e -> {
                  assertThat(e.outcome()).isEqualTo(NatsJobException.Outcome.CANCELED);
                  assertThat(e.getMessage())
                      .contains("java.lang.IllegalStateException: changed my mind");
                });
      }
    }

    assertThat(calls).hasValue(1); // the blocker only
    assertThat(telemetry.sum(PoolMetricNames.JOBS_EXPIRED, pool.name(), null)).isEqualTo(1);
    assertThat(telemetry.sum(PoolMetricNames.JOBS_PROCESSED, pool.name(), "canceled")).isEqualTo(1);
  }

  @Test
  void aJobThatCarriesItsSubmittersCancellationIsNotStarted() throws Exception {
    NatsWorkerPool<String, String> pool = nats.builder().build();
    String inbox = nats.connection.createInbox();
    Subscription replies = nats.connection.subscribe(inbox);
    Headers headers;
    try (CancelableContext done = Contexts.withCancel(Context.root())) {
      done.cancel(new IllegalStateException("gone"));
      headers = NatsHeaders.write(done.context(), new Headers());
    }
    headers.put("Shuttle-Job-Id", "carried-1").put("Shuttle-Reply-To", inbox);
    nats.connection
        .jetStream()
        .publish("shuttle.pool." + pool.name() + ".jobs", headers, Codec.utf8().encode("x"));
    AtomicInteger calls = new AtomicInteger();
    Message reply;
    try (NatsWorkers workers =
        pool.startWorkers(
            1,
            (ctx, value) -> {
              calls.incrementAndGet();
              return value;
            })) {
      reply = replies.nextMessage(Duration.ofSeconds(30));
    }

    assertThat(reply).isNotNull();
    assertThat(reply.getHeaders().getFirst("Shuttle-Outcome")).isEqualTo("canceled");
    assertThat(reply.getHeaders().getFirst("Shuttle-Error"))
        .isEqualTo("java.lang.IllegalStateException: gone");
    assertThat(calls).hasValue(0);
    assertThat(telemetry.sum(PoolMetricNames.JOBS_EXPIRED, pool.name(), null)).isEqualTo(1);
    assertThat(nats.stored("shuttle-pool-" + pool.name())).isZero();
  }

  @Test
  void aJobHeldByWorkersStoppedNowIsRedeliveredAndCompletesOnceElsewhere() throws Exception {
    NatsWorkerPool<String, String> pool = nats.builder().build();
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Throwable> firstSaw = new AtomicReference<>();
    NatsWorkers first =
        pool.startWorkers(
            1,
            (ctx, value) -> {
              started.countDown();
              Contexts.cancellation(ctx).await();
              firstSaw.set(Contexts.cause(ctx));
              return "from the first";
            });
    NatsJob<String> job = pool.submit(Context.root(), "handed back");
    assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

    assertThat(first.stopNow()).isEqualTo(1);
    assertThat(first.stopNow()).isZero();
    assertThat(first.awaitTermination(Duration.ofSeconds(20))).isTrue();
    AtomicInteger secondCalls = new AtomicInteger();
    try (NatsWorkers second =
        pool.startWorkers(
            1,
            (ctx, value) -> {
              secondCalls.incrementAndGet();
              return "from the second";
            })) {
      assertThat(job.result(Context.root())).isEqualTo("from the second");
    }

    assertThat(firstSaw.get()).isInstanceOf(PoolStoppedException.class);
    assertThat(secondCalls).hasValue(1);
    assertThat(telemetry.sum(PoolMetricNames.JOBS_REDELIVERED, pool.name(), null)).isEqualTo(1);
    assertThat(telemetry.sum(PoolMetricNames.JOBS_PROCESSED, pool.name(), "canceled")).isEqualTo(1);
    assertThat(telemetry.sum(PoolMetricNames.JOBS_PROCESSED, pool.name(), "success")).isEqualTo(1);
    assertThat(nats.stored("shuttle-pool-" + pool.name())).isZero();
  }

  @Test
  void aFullStreamHoldsTheSubmitterUntilItsContextEnds() throws Exception {
    NatsWorkerPool<String, String> pool = nats.builder().capacity(2).build();
    pool.submit(Context.root(), "one");
    pool.submit(Context.root(), "two");

    try (CancelableContext impatient =
        Contexts.withTimeout(Context.root(), Duration.ofMillis(300))) {
      assertThatThrownBy(() -> pool.submit(impatient.context(), "three"))
          .isInstanceOf(ContextDoneException.class);
      assertThat(impatient.cancellation().isDone()).isTrue();
    }
    try (CancelableContext cancelled = Contexts.withCancel(Context.root());
        CancelableContext timer = Contexts.withTimeout(Context.root(), Duration.ofMillis(100))) {
      Contexts.afterFunc(
          timer.context(), () -> cancelled.cancel(new IllegalStateException("gave up")));
      assertThatThrownBy(() -> pool.submit(cancelled.context(), "four"))
          .isInstanceOf(ContextDoneException.class)
          .hasCauseInstanceOf(IllegalStateException.class);
    }

    assertThat(nats.stored("shuttle-pool-" + pool.name())).isEqualTo(2);
  }
}
