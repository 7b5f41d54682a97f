package dev.shuttle;

import static dev.shuttle.telemetry.ShuttleAttributes.ERROR_TYPE;
import static dev.shuttle.telemetry.ShuttleAttributes.TASK_INDEX;
import static dev.shuttle.telemetry.ShuttleAttributes.TIMEOUT_EXCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.ShuttleMetricNames;
import dev.shuttle.testing.TelemetryExtension;
import dev.shuttle.testing.Waits;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(10)
class GoTest {
  private static final ContextKey<String> REQUEST = ContextKey.named("request");

  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void goroutineRunsOnAVirtualThreadWithTheGivenContextCurrent() throws Exception {
    // given
    Context context = Context.root().with(REQUEST, "r-1");

    // when
    Goroutine<String> g =
        Go.start(
            context,
            () -> Thread.currentThread().isVirtual() + ":" + Context.current().get(REQUEST));

    // then
    assertThat(g.join()).isEqualTo("true:r-1");
    assertThat(g.isDone()).isTrue();
    assertThat(g.context()).isSameAs(context);
  }

  @Test
  void plainOpenTelemetryCodeInsideSeesTheCallersSpan() throws Exception {
    // given
    Span parent = telemetry.tracer().spanBuilder("parent-operation").startSpan();

    // when
    try (Scope ignored = parent.makeCurrent()) {
      Go.start(
              () -> {
                telemetry.tracer().spanBuilder("goroutine-1").startSpan().end();
                return null;
              })
          .join();
    } finally {
      parent.end();
    }

    // then
    SpanData child = telemetry.span("goroutine-1");
    assertThat(child.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(child.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
  }

  @Test
  void tracedGoroutineOpensAChildSpanWithTheCallersNameAndAttributes() throws Exception {
    // given
    Span parent = telemetry.tracer().spanBuilder("parent").startSpan();
    Context context = Context.root().with(parent);

    // when
    Go.start(context, "process-task", Attributes.of(TASK_INDEX, 3L), () -> "ok").join();
    parent.end();

    // then
    SpanData span = telemetry.span("process-task");
    assertThat(span.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(span.getAttributes().get(TASK_INDEX)).isEqualTo(3L);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void joinRethrowsTheTasksOwnExceptionAndTheSpanRecordsIt() {
    // given
    IOException failure = new IOException("disk full");

    // when
    Goroutine<Object> g =
        Go.start(
            Context.root(),
            "write",
            Attributes.empty(),
            () -> {
              throw failure;
            });

    // then
    assertThatThrownBy(g::join).isSameAs(failure);
    SpanData span = telemetry.span("write");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo("disk full");
    assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("java.io.IOException");
    assertThat(span.getEvents()).anyMatch(e -> e.getName().equals("exception"));
  }

  @Test
  void aGoroutineEndedByItsDeadlineSaysSoOnItsSpan() {
    // given
    CancelableContext timed =
        Contexts.withTimeoutCause(
            Context.root(), Duration.ofMillis(20), new TimeoutException("SLA 20 ms"));

    // when
    Goroutine<Object> g =
        Go.start(
            timed.context(),
            "sla-operation",
            Attributes.empty(),
            () -> {
              Contexts.cancellation(Context.current()).await();
              Contexts.cancellation(Context.current()).throwIfDone();
              return null;
            });

    // then
    assertThatThrownBy(g::join).isInstanceOf(ContextDoneException.class);
    SpanData span = telemetry.span("sla-operation");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo("SLA 20 ms");
    assertThat(span.getAttributes().get(TIMEOUT_EXCEEDED)).isTrue();
  }

  @Test
  void joinWithATimeoutGivesUpOnAGoroutineThatIsStillRunning() throws Exception {
    // given
    CancelableContext c = Contexts.withCancel(Context.root());
    Goroutine<Object> g =
        Go.start(
            c.context(),
            () -> {
              Contexts.cancellation(Context.current()).await();
              return "done";
            });

    // then
    assertThatThrownBy(() -> g.join(Duration.ofMillis(20)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("still running");
    c.cancel();
    assertThat(g.join(Duration.ofSeconds(5))).isEqualTo("done");
  }

  @Test
  void aFireAndForgetFailureReachesTheUncaughtHandlerAndTheCounter() throws Exception {
    // given
    CompletableFuture<Throwable> handled = new CompletableFuture<>();
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> handled.complete(e));
    IllegalStateException failure = new IllegalStateException("lost?");

    // when
    try {
      Go.go(
          Context.root(),
          "background-job",
          Attributes.empty(),
          () -> {
            throw failure;
          });

      // then
      assertThat(handled.get(5, TimeUnit.SECONDS)).isSameAs(failure);
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
    assertThat(
            telemetry.longSum(
                ShuttleMetricNames.GOROUTINES_UNCAUGHT,
                ERROR_TYPE,
                "java.lang.IllegalStateException"))
        .isEqualTo(1);
    assertThat(telemetry.span("background-job").getStatus().getStatusCode())
        .isEqualTo(StatusCode.ERROR);
  }

  @Test
  void startedAndActiveGoroutinesAreCounted() throws Exception {
    // when
    for (int i = 0; i < 5; i++) {
      Go.start(Context.root(), () -> 1).join();
    }

    // then
    assertThat(telemetry.longSum(ShuttleMetricNames.GOROUTINES_STARTED)).isEqualTo(5);
    assertThat(telemetry.longSum(ShuttleMetricNames.GOROUTINES_ACTIVE)).isZero();
  }

  @Test
  void aJoinableGoroutinesFailureThatNobodyJoinsIsReportedOnceItsHandleIsUnreachable()
      throws Exception {
    // given
    CompletableFuture<Throwable> handled = new CompletableFuture<>();
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> handled.complete(e));
    try {
      // when: the handle is dropped without join()
      startFailingAndForget(new NestedFailure("nobody joined me"));

      // then
      Throwable reported = null;
      for (int i = 0; i < 200 && reported == null; i++) {
        System.gc();
        try {
          reported = handled.get(50, TimeUnit.MILLISECONDS);
        } catch (TimeoutException notYet) {
          // the cleaner has not run yet
        }
      }
      assertThat(reported).isInstanceOf(NestedFailure.class).hasMessage("nobody joined me");
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
    String type = "dev.shuttle.GoTest.NestedFailure";
    assertThat(telemetry.longSum(ShuttleMetricNames.GOROUTINES_UNCAUGHT, ERROR_TYPE, type))
        .isEqualTo(1);
    assertThat(telemetry.longSum(ShuttleMetricNames.GOROUTINES_FAILED, ERROR_TYPE, type))
        .isEqualTo(1);
  }

  /** Starts a goroutine that fails, waits for it to end, and lets go of the handle. */
  private static void startFailingAndForget(Exception failure) throws InterruptedException {
    Goroutine<Object> g =
        Go.start(
            Context.root(),
            () -> {
              throw failure;
            });
    Waits.until(g::isDone);
  }

  @Test
  void aJoinedFailureIsNeverReportedAsUncaught() throws Exception {
    // given
    CompletableFuture<Throwable> handled = new CompletableFuture<>();
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> handled.complete(e));
    try {
      Goroutine<Object> g =
          Go.start(
              Context.root(),
              () -> {
                throw new IOException("joined");
              });
      assertThatThrownBy(g::join).hasMessage("joined");
      g = null; // unreachable now, and observed

      // when: time passes on purpose, for the collector and the cleaner to run; the handler must
      // not be called however long we wait, so there is no state to wait for
      for (int i = 0; i < 20; i++) {
        System.gc();
        Thread.sleep(10);
      }

      // then
      assertThat(handled).isNotDone();
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
    assertThat(telemetry.longSum(ShuttleMetricNames.GOROUTINES_UNCAUGHT)).isZero();
    assertThat(telemetry.longSum(ShuttleMetricNames.GOROUTINES_FAILED)).isEqualTo(1);
  }

  @Test
  void errorTypeIsTheCanonicalClassNameAsInTheExceptionEvent() throws Exception {
    // when
    Goroutine<Object> g =
        Go.start(
            Context.root(),
            "failing",
            Attributes.empty(),
            () -> {
              throw new NestedFailure("nested");
            });
    assertThatThrownBy(g::join).isInstanceOf(NestedFailure.class);

    // then
    SpanData span = telemetry.span("failing");
    String exceptionType =
        span.getEvents().getFirst().getAttributes().get(AttributeKey.stringKey("exception.type"));
    assertThat(span.getAttributes().get(ERROR_TYPE))
        .isEqualTo("dev.shuttle.GoTest.NestedFailure")
        .isEqualTo(exceptionType);
  }

  @Test
  void aThreadPerTaskExecutorOfGoroutineThreadsKeepsTheTraceAndTheDeadline() throws Exception {
    // given
    Span parent = telemetry.tracer().spanBuilder("request").startSpan();
    CancelableContext request =
        Contexts.withTimeout(Context.root().with(parent), Duration.ofMinutes(1));
    Future<String> seen;

    // when
    try (ExecutorService executor = Executors.newThreadPerTaskExecutor(Go.threadFactory());
        Scope ignored = request.makeCurrent()) {
      seen =
          executor.submit(
              () ->
                  Thread.currentThread().isVirtual()
                      + " "
                      + Span.current().getSpanContext().getSpanId()
                      + " "
                      + Contexts.deadline(Context.current()).isPresent());
    }

    // then
    assertThat(seen.get()).isEqualTo("true " + parent.getSpanContext().getSpanId() + " true");
    assertThat(telemetry.longSum(ShuttleMetricNames.GOROUTINES_STARTED)).isEqualTo(1);
    Waits.until(() -> telemetry.longSum(ShuttleMetricNames.GOROUTINES_ACTIVE) == 0);
    parent.end();
    request.cancel();
  }

  @Test
  void aGoroutineThreadIsInterruptedWhenTheContextItWasCreatedInIsDone() throws Exception {
    // given
    CancelableContext request = Contexts.withCancel(Context.root());
    CompletableFuture<Throwable> seen = new CompletableFuture<>();
    Thread thread;
    try (Scope ignored = request.makeCurrent()) {
      thread =
          Go.threadFactory()
              .newThread(
                  () -> {
                    try {
                      Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                      seen.complete(e);
                    }
                  });
    }
    thread.start();

    // when
    Waits.until(() -> thread.getState() == Thread.State.TIMED_WAITING);
    request.cancel();

    // then
    assertThat(seen.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
  }

  @Test
  void anExecutorCarriesEachTasksContextNotTheThreadsAndClearsItsInterrupts() throws Exception {
    // given: one pooled thread, so every task runs on it
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Executor executor = Go.executor(pool);
    try {
      CancelableContext first = Contexts.withCancel(Context.root().with(REQUEST, "first"));
      CompletableFuture<String> interrupted;
      CountDownLatch sleeping = new CountDownLatch(1);
      try (Scope ignored = first.makeCurrent()) {
        interrupted =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    sleeping.countDown();
                    Thread.sleep(60_000);
                    return "slept";
                  } catch (InterruptedException e) {
                    return "interrupted in " + Context.current().get(REQUEST);
                  }
                },
                executor);
      }

      // when
      sleeping.await(); // a cancel before the sleep starts interrupts it at once too
      first.cancel();
      CompletableFuture<String> next;
      try (Scope ignored = Context.root().with(REQUEST, "second").makeCurrent()) {
        next =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    Thread.sleep(10);
                    return "slept in " + Context.current().get(REQUEST);
                  } catch (InterruptedException e) {
                    return "interrupted";
                  }
                },
                executor);
      }

      // then
      assertThat(interrupted.get(5, TimeUnit.SECONDS)).isEqualTo("interrupted in first");
      assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo("slept in second");
    } finally {
      pool.shutdownNow();
    }
  }

  /** A nested exception type: its binary name has a '$', its canonical name a '.'. */
  static final class NestedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NestedFailure(String message) {
      super(message);
    }
  }

  @Test
  void badInputIsAClearException() {
    assertThatThrownBy(() -> Go.go(Context.root(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("task");
    assertThatThrownBy(() -> Go.start(null, () -> 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("context");
    assertThatThrownBy(() -> Go.go(Context.root(), null, Attributes.empty(), () -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("spanName");
  }
}
