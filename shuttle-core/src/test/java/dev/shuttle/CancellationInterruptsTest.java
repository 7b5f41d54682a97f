package dev.shuttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.channel.Channel;
import dev.shuttle.channel.ChannelClosedException;
import dev.shuttle.channel.ReceiveChannel;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import dev.shuttle.flow.FanOut;
import dev.shuttle.flow.Pipeline;
import dev.shuttle.flow.PipelineRun;
import dev.shuttle.pool.BoundedPool;
import dev.shuttle.pool.DynamicWorkerPool;
import dev.shuttle.pool.WorkerPool;
import dev.shuttle.sync.ErrGroup;
import dev.shuttle.sync.WaitGroup;
import dev.shuttle.testing.TelemetryExtension;
import dev.shuttle.testing.Waits;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Work that Shuttle runs on a thread it owns is interrupted when its context is done (ADR 5), so
 * Java's blocking calls ({@code Thread.sleep} here) end within milliseconds and the work fails with
 * the context's cause; unless the context was made by {@link Contexts#withoutInterrupt}.
 */
@Timeout(30)
class CancellationInterruptsTest {
  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  /** Blocks in a plain Java call for far longer than any test runs. */
  private static final Duration FOREVER = Duration.ofMinutes(5);

  /** Starts {@code body} the way one Shuttle construct runs work; reports how it ended. */
  @FunctionalInterface
  interface Runner {
    CompletableFuture<@Nullable Throwable> run(Context context, Task body) throws Exception;
  }

  /** What a construct reports when the context of its work was cancelled with a cause. */
  enum Report {
    /** The task's own outcome: a ContextDoneException with the cause, the interrupt suppressed. */
    TASK_CANCELLED,
    /** The run's outcome: a ContextDoneException with the cause. */
    RUN_CANCELLED,
    /** A channel closed with the context's cause. */
    CLOSED_WITH_CAUSE
  }

  static Stream<Arguments> runners() {
    return Stream.of(
        Arguments.of(
            "Go.start", runner(CancellationInterruptsTest::goroutine), Report.TASK_CANCELLED),
        Arguments.of(
            "ErrGroup.go", runner(CancellationInterruptsTest::errGroupTask), Report.TASK_CANCELLED),
        Arguments.of(
            "WorkerPool.submit",
            runner(CancellationInterruptsTest::workerPoolJob),
            Report.TASK_CANCELLED),
        Arguments.of(
            "DynamicWorkerPool.submit",
            runner(CancellationInterruptsTest::dynamicJob),
            Report.TASK_CANCELLED),
        Arguments.of(
            "BoundedPool.submit",
            runner(CancellationInterruptsTest::boundedPoolTask),
            Report.TASK_CANCELLED),
        Arguments.of(
            "Pipeline stage",
            runner(CancellationInterruptsTest::pipelineStage),
            Report.RUN_CANCELLED),
        Arguments.of(
            "FanOut.share worker",
            runner(CancellationInterruptsTest::fanOutWorker),
            Report.CLOSED_WITH_CAUSE));
  }

  private static Runner runner(Runner runner) {
    return runner;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runners")
  void cancellingTheContextInterruptsBlockingJavaCodeAndFailsWithTheCause(
      String construct, Runner runner, Report report) throws Exception {
    // given: work blocked in Thread.sleep, which answers interrupts only
    CancelableContext request = Contexts.withCancel(Context.root());
    CountDownLatch sleeping = new CountDownLatch(1);
    CompletableFuture<@Nullable Throwable> outcome =
        runner.run(
            request.context(),
            () -> {
              sleeping.countDown();
              Thread.sleep(FOREVER.toMillis());
            });
    sleeping.await();
    IllegalStateException why = new IllegalStateException("client went away");

    // when
    long cancelledAt = System.nanoTime();
    request.cancel(why);
    Throwable failure = outcome.get(10, TimeUnit.SECONDS);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt);

    // then
    switch (report) {
      case TASK_CANCELLED ->
          assertThat(failure)
              .as("%s reports the cancellation, not the interrupt", construct)
              .isInstanceOfSatisfying(
                  ContextDoneException.class,
                  done -> {
                    assertThat(done.err()).isEqualTo(ContextError.CANCELED);
                    assertThat(done).hasCause(why);
                    assertThat(done.getSuppressed())
                        .as("the interrupted call's own exception is kept")
                        .anyMatch(InterruptedException.class::isInstance);
                  });
      case RUN_CANCELLED ->
          assertThat(failure)
              .isInstanceOfSatisfying(
                  ContextDoneException.class, done -> assertThat(done).hasCause(why));
      case CLOSED_WITH_CAUSE -> assertThat(failure).isSameAs(why);
    }
    assertThat(tookMillis)
        .as("%s ended %d ms after the cancel", construct, tookMillis)
        .isLessThan(1_000);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runners")
  void withoutInterruptTheWorkRunsOnAndSeesCancellationOnlyCooperatively(
      String construct, Runner runner, Report report) throws Exception {
    // given
    CancelableContext request = Contexts.withCancel(Context.root());
    Context cooperative = Contexts.withoutInterrupt(request.context());
    CountDownLatch sleeping = new CountDownLatch(1);
    AtomicReference<@Nullable Throwable> seenBySleep = new AtomicReference<>();
    CompletableFuture<@Nullable Throwable> outcome =
        runner.run(
            cooperative,
            () -> {
              sleeping.countDown();
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                seenBySleep.set(e);
                throw e;
              }
              Contexts.cancellation(Context.current()).throwIfDone(); // cooperative check
            });
    sleeping.await();

    // when
    request.cancel();
    Throwable failure = outcome.get(10, TimeUnit.SECONDS);

    // then
    assertThat(seenBySleep.get()).as("%s: no interrupt", construct).isNull();
    assertThat(failure).isInstanceOf(ContextDoneException.class);
    assertThat(Contexts.interruptsOnCancel(cooperative)).isFalse();
    assertThat(Contexts.interruptsOnCancel(Contexts.withCancel(cooperative).context()))
        .as("descendants keep the choice")
        .isFalse();
  }

  @Test
  void aContextThatCanNeverBeDoneInterruptsNothing() {
    assertThat(Contexts.interruptsOnCancel(Context.root())).isFalse();
    assertThat(
            Contexts.interruptsOnCancel(
                Contexts.withoutCancel(Contexts.withCancel(Context.root()).context())))
        .isFalse();
    assertThat(Contexts.interruptsOnCancel(Contexts.withCancel(Context.root()).context())).isTrue();
  }

  @Test
  void aPoolWorkerInterruptedForOneJobRunsTheNextJobUninterrupted() throws Exception {
    // given: one worker, so both jobs run on the same thread
    try (WorkerPool pool = WorkerPool.create(1)) {
      CancelableContext first = Contexts.withCancel(Context.root());
      CountDownLatch sleeping = new CountDownLatch(1);
      CompletableFuture<Object> interrupted =
          pool.submit(
              first.context(),
              () -> {
                sleeping.countDown();
                Thread.sleep(FOREVER.toMillis());
                return "unreachable";
              });
      sleeping.await();

      // when
      first.cancel();
      Throwable firstOutcome = failureOf(interrupted);
      CompletableFuture<String> next =
          pool.submit(
              () -> {
                Thread.sleep(20);
                return "slept";
              });

      // then
      assertThat(firstOutcome).isInstanceOf(ContextDoneException.class);
      assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("slept");
    }
  }

  @Test
  void waitGroupGoInterruptsItsTasksWhenTheCallersContextIsDone() throws Exception {
    // given
    CancelableContext request = Contexts.withCancel(Context.root());
    WaitGroup wg = WaitGroup.create();
    AtomicReference<@Nullable Throwable> seen = new AtomicReference<>();
    CountDownLatch sleeping = new CountDownLatch(1);
    try (Scope ignored = request.makeCurrent()) {
      wg.go(
          () -> {
            sleeping.countDown();
            try {
              Thread.sleep(FOREVER.toMillis());
            } catch (InterruptedException e) {
              seen.set(e);
            }
          });
    }
    sleeping.await();

    // when
    request.cancel();

    // then
    assertThat(wg.await(Duration.ofSeconds(10))).isTrue();
    assertThat(seen.get()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void shuttlesOwnBlockingCallsReportTheCancellationNotTheInterrupt() throws Exception {
    // given: a goroutine blocked in a receive; its context's cancel also interrupts its thread
    CancelableContext request = Contexts.withCancel(Context.root());
    Channel<String> never = Channel.rendezvous();
    AtomicReference<@Nullable Throwable> seen = new AtomicReference<>();
    CountDownLatch receiving = new CountDownLatch(1);
    Goroutine<Boolean> g =
        Go.start(
            request.context(),
            () -> {
              receiving.countDown();
              try {
                never.receive();
              } catch (ContextDoneException | InterruptedException e) {
                seen.set(e);
              }
              return Thread.currentThread().isInterrupted();
            });
    receiving.await();
    Waits.until(() -> never.waitingReceivers() == 1);

    // when
    request.cancel();

    // then
    assertThat(g.join(Duration.ofSeconds(10))).as("the interrupt flag stays set").isTrue();
    assertThat(seen.get()).isInstanceOf(ContextDoneException.class);
  }

  // ------------------------------------------------------------------ runners

  private static CompletableFuture<@Nullable Throwable> goroutine(Context context, Task body) {
    Goroutine<Object> g =
        Go.start(
            context,
            () -> {
              body.run();
              return "done";
            });
    return outcomeOf(g::join);
  }

  private static CompletableFuture<@Nullable Throwable> errGroupTask(Context context, Task body)
      throws InterruptedException {
    ErrGroup group = ErrGroup.withContext(context);
    group.go(body);
    return outcomeOf(
        () -> {
          group.await();
          return null;
        });
  }

  private static CompletableFuture<@Nullable Throwable> workerPoolJob(Context context, Task body)
      throws InterruptedException {
    WorkerPool pool = WorkerPool.create(1);
    CompletableFuture<Object> job = pool.submit(context, asCallable(body));
    pool.stop();
    return outcomeOf(() -> job.get(20, TimeUnit.SECONDS));
  }

  private static CompletableFuture<@Nullable Throwable> dynamicJob(Context context, Task body)
      throws InterruptedException {
    DynamicWorkerPool pool = DynamicWorkerPool.builder().minWorkers(1).maxWorkers(2).build();
    CompletableFuture<Object> job = pool.submit(context, asCallable(body));
    pool.stop();
    return outcomeOf(() -> job.get(20, TimeUnit.SECONDS));
  }

  private static CompletableFuture<@Nullable Throwable> boundedPoolTask(Context context, Task body)
      throws InterruptedException {
    BoundedPool pool = BoundedPool.create(1);
    CompletableFuture<Object> task = pool.submit(context, asCallable(body));
    pool.stop();
    return outcomeOf(() -> task.get(20, TimeUnit.SECONDS));
  }

  private static CompletableFuture<@Nullable Throwable> pipelineStage(Context context, Task body) {
    Pipeline<String, String> pipeline =
        Pipeline.<String>builder("sleepy")
            .stage(
                "work",
                item -> {
                  body.run();
                  return item;
                })
            .build();
    PipelineRun<String> run = pipeline.start(context, List.of("one"));
    return outcomeOf(
        () -> {
          run.await();
          return null;
        });
  }

  private static CompletableFuture<@Nullable Throwable> fanOutWorker(Context context, Task body)
      throws InterruptedException {
    Channel<String> input = Channel.buffered(1);
    input.send("one");
    input.close();
    ReceiveChannel<String> results =
        FanOut.<String>builder(context, input)
            .buffer(1)
            .share(
                1,
                "work",
                item -> {
                  body.run();
                  return item;
                });
    return outcomeOf(
        () -> {
          try {
            results.receive(Context.root());
            return null;
          } catch (ChannelClosedException closed) {
            throw (Exception) closed.getCause(); // the results channel closes with the failure
          }
        });
  }

  private static java.util.concurrent.Callable<Object> asCallable(Task body) {
    return () -> {
      body.run();
      return "done";
    };
  }

  /** Runs {@code join} on a virtual thread; the future gets what it threw (unwrapped), or null. */
  private static CompletableFuture<@Nullable Throwable> outcomeOf(
      java.util.concurrent.Callable<?> join) {
    CompletableFuture<@Nullable Throwable> outcome = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                join.call();
                outcome.complete(null);
              } catch (ExecutionException e) {
                outcome.complete(e.getCause());
              } catch (CancellationException e) {
                outcome.complete(unwrapGet(e));
              } catch (Throwable t) {
                outcome.complete(t);
              }
            });
    return outcome;
  }

  /**
   * {@link CompletableFuture#get} reports a job that failed with a {@link CancellationException}
   * (as {@link ContextDoneException} is) as a new {@code CancellationException("get")} caused by
   * it.
   */
  private static Throwable unwrapGet(CancellationException e) {
    return e.getCause() instanceof ContextDoneException done ? done : e;
  }

  private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return unwrapGet(e);
    }
    throw new AssertionError("expected the job to fail");
  }
}
