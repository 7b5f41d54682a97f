package dev.shuttle.internal;

import dev.shuttle.Task;
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
 * threads, so they are traced and counted alike.
 */
public final class TaskLauncher {
  private static final ThreadFactory THREADS = Thread.ofVirtual().name("shuttle-go-", 1).factory();
  private static final PerOpenTelemetry<Instruments> INSTRUMENTS =
      new PerOpenTelemetry<>(Instruments::new);

  private TaskLauncher() {}

  /** Receives the outcome of a task, on the task's thread, after its span has ended. */
  @FunctionalInterface
  public interface Completion {
    /** Called once; {@code failure} is {@code null} if the task returned normally. */
    void completed(@Nullable Throwable failure);
  }

  /**
   * Starts {@code task} on a new virtual thread with {@code context} current; inside a child span
   * named {@code spanName} when it is not {@code null}.
   *
   * @return the started thread
   */
  public static Thread launch(
      Context context,
      @Nullable String spanName,
      Attributes attributes,
      Task task,
      Completion completion) {
    Thread thread = THREADS.newThread(() -> run(context, spanName, attributes, task, completion));
    thread.start();
    return thread;
  }

  private static void run(
      Context context,
      @Nullable String spanName,
      Attributes attributes,
      Task task,
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
    try (Scope ignored = runContext.makeCurrent()) {
      task.run();
    } catch (Throwable t) {
      failure = t;
      if (span != null) {
        SpanOutcome.recordFailure(span, t);
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
   * Hands a failure that nobody will join to the current thread's uncaught-exception handler, and
   * counts it in {@code shuttle.goroutine.uncaught_failures}.
   */
  public static void reportUncaught(Throwable failure) {
    try {
      INSTRUMENTS
          .get()
          .uncaught
          .add(1, Attributes.of(ShuttleAttributes.ERROR_TYPE, failure.getClass().getName()));
    } catch (RuntimeException telemetryFailure) {
      // never let telemetry hide the failure
    }
    Thread current = Thread.currentThread();
    current.getUncaughtExceptionHandler().uncaughtException(current, failure);
  }

  private static final class Instruments {
    final LongCounter started;
    final LongUpDownCounter active;
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
      uncaught =
          meter
              .counterBuilder(ShuttleMetricNames.GOROUTINES_UNCAUGHT)
              .setUnit("{failure}")
              .setDescription("Fire-and-forget goroutines that failed with nobody to join them.")
              .build();
    }
  }
}
