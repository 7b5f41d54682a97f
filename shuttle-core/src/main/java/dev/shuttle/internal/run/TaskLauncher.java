package dev.shuttle.internal.run;

import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.LiveGoroutine;
import dev.shuttle.internal.PerOpenTelemetry;
import dev.shuttle.telemetry.ShuttleAttributes;
import dev.shuttle.telemetry.ShuttleMetricNames;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * Starts a task on a virtual thread under a context, optionally inside a child span, and reports
 * how it ended. The one place where goroutines, {@code WaitGroup.go} and {@code ErrGroup.go} become
 * threads, so they are traced, counted and interrupted on cancellation alike.
 */
public final class TaskLauncher {
  // One name for all: a numbered name costs a shared counter and a string per goroutine (6 % of a
  // start's profile samples, issue 15), and the registry's id already tells goroutines apart.
  private static final ThreadFactory THREADS = Thread.ofVirtual().name("shuttle-go").factory();
  private static final PerOpenTelemetry<Instruments> INSTRUMENTS =
      new PerOpenTelemetry<>(Instruments::new);

  private TaskLauncher() {}

  /** The work a goroutine runs ({@code dev.shuttle.Task}'s shape, which callers adapt). */
  @FunctionalInterface
  public interface Body {
    /** Does the work. */
    void run() throws Exception;
  }

  /** Receives the outcome of a task, on the task's thread, after its span has ended. */
  @FunctionalInterface
  public interface Completion {
    /** Called once; {@code failure} is {@code null} if the task returned normally. */
    void completed(@Nullable Throwable failure);
  }

  /**
   * Starts {@code task} on a new virtual thread with {@code context} current; inside a child span
   * named {@code spanName} when it is not {@code null}. The goroutine registry lists it under
   * {@code owner} (as {@code errgroup fetch}), with the calling goroutine as its parent.
   *
   * @return the started thread
   */
  public static Thread launch(
      String owner,
      Context context,
      @Nullable String spanName,
      Attributes attributes,
      Body task,
      Completion completion) {
    long parentId = GoroutineRegistry.currentId();
    Thread thread =
        THREADS.newThread(
            () -> run(owner, parentId, context, spanName, attributes, task, completion));
    thread.start();
    return thread;
  }

  private static void run(
      String owner,
      long parentId,
      Context context,
      @Nullable String spanName,
      Attributes attributes,
      Body task,
      Completion completion) {
    Instruments instruments = INSTRUMENTS.get();
    instruments.started.add(1);
    instruments.active.add(1);
    Span span = null;
    Context runContext = context;
    if (spanName != null) {
      span =
          ShuttleTelemetry.tracer()
              .spanBuilder(spanName)
              .setParent(context)
              .setAllAttributes(attributes)
              .startSpan();
      runContext = context.with(span);
    }
    Throwable failure = null;
    LiveGoroutine live = GoroutineRegistry.register(owner, parentId, spanName, runContext, context);
    InterruptOnCancel interrupt = InterruptOnCancel.arm(context);
    try (Scope ignored = runContext.makeCurrent()) {
      task.run();
    } catch (Throwable t) {
      failure = t;
    } finally {
      GoroutineRegistry.deregister(live);
    }
    failure = interrupt.disarm(failure);
    try {
      if (failure != null) {
        countFailure(instruments.failed, failure);
        if (span != null) {
          SpanOutcome.recordFailure(span, failure);
        }
      }
    } finally {
      if (span != null) {
        span.end();
      }
      instruments.active.add(-1);
    }
    completion.completed(failure);
  }

  /**
   * Wraps {@code body} to run as a goroutine on a thread that someone else starts (a {@link
   * ThreadFactory}'s): registered under {@code owner}, counted as one, with {@code context}
   * current, its thread interrupted when {@code context} is done (see {@link InterruptOnCancel}). A
   * failure is counted and propagates to the thread, whose uncaught-exception handler (or whoever
   * runs {@code body}) gets it.
   */
  public static Runnable asGoroutine(String owner, Context context, Runnable body) {
    long parentId = GoroutineRegistry.currentId();
    return () -> {
      Instruments instruments = INSTRUMENTS.get();
      instruments.started.add(1);
      instruments.active.add(1);
      LiveGoroutine live = GoroutineRegistry.register(owner, parentId, null, context, context);
      InterruptOnCancel interrupt = InterruptOnCancel.arm(context);
      try (Scope ignored = context.makeCurrent()) {
        body.run();
      } catch (RuntimeException | Error failure) {
        countFailure(instruments.failed, failure);
        throw failure;
      } finally {
        GoroutineRegistry.deregister(live);
        interrupt.disarm(null);
        instruments.active.add(-1);
      }
    };
  }

  /**
   * Hands a failure that nobody will join to the current thread's uncaught-exception handler, and
   * counts it in {@code shuttle.goroutine.uncaught_failures}.
   */
  public static void reportUncaught(Throwable failure) {
    reportUncaught(Thread.currentThread(), failure);
  }

  /**
   * Hands a failure of {@code thread} that nobody joined to that thread's uncaught-exception
   * handler (the default handler, or its thread group, once the thread has ended), and counts it in
   * {@code shuttle.goroutine.uncaught_failures}.
   */
  public static void reportUncaught(Thread thread, Throwable failure) {
    countFailure(INSTRUMENTS.get().uncaught, failure);
    Thread.UncaughtExceptionHandler handler = thread.getUncaughtExceptionHandler();
    if (handler == null) { // the thread has ended
      handler = Thread.getDefaultUncaughtExceptionHandler();
    }
    if (handler == null) {
      handler = Thread.currentThread().getThreadGroup(); // prints it, naming the thread
    }
    handler.uncaughtException(thread, failure);
  }

  private static void countFailure(LongCounter counter, Throwable failure) {
    try {
      counter.add(1, Attributes.of(ShuttleAttributes.ERROR_TYPE, SpanOutcome.errorType(failure)));
    } catch (RuntimeException telemetryFailure) {
      // never let telemetry hide the failure
    }
  }

  private static final class Instruments {
    final LongCounter started;
    final LongUpDownCounter active;
    final LongCounter failed;
    final LongCounter uncaught;

    Instruments(Meter meter) {
      started =
          meter
              .counterBuilder(ShuttleMetricNames.GOROUTINES_STARTED)
              .setUnit("{goroutine}")
              .setDescription("Goroutines started.")
              .build();
      active =
          meter
              .upDownCounterBuilder(ShuttleMetricNames.GOROUTINES_ACTIVE)
              .setUnit("{goroutine}")
              .setDescription("Goroutines running now.")
              .build();
      failed =
          meter
              .counterBuilder(ShuttleMetricNames.GOROUTINES_FAILED)
              .setUnit("{failure}")
              .setDescription("Goroutines whose task failed, joined or not.")
              .build();
      uncaught =
          meter
              .counterBuilder(ShuttleMetricNames.GOROUTINES_UNCAUGHT)
              .setUnit("{failure}")
              .setDescription(
                  "Goroutine failures that nobody joined: fire-and-forget, or never observed.")
              .build();
    }
  }
}
