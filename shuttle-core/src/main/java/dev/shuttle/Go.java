package dev.shuttle;

import dev.shuttle.internal.TaskLauncher;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * Starts goroutines: tasks on virtual threads that run with a context current, so plain
 * OpenTelemetry code inside sees the caller's span and Shuttle's blocking calls see its
 * cancellation.
 *
 * <p>{@code go} is fire-and-forget: a failure is recorded on the goroutine's span (if traced),
 * counted in {@code shuttle.goroutine.uncaught_failures}, and handed to the thread's
 * uncaught-exception handler, never dropped. {@code start} returns a {@link Goroutine} whose {@link
 * Goroutine#join()} returns the result or throws the task's own exception.
 *
 * {@snippet :
 * Span parent = tracer.spanBuilder("parent-operation").startSpan();
 * try (Scope ignored = parent.makeCurrent()) {
 *   Goroutine<Void> g = Go.start(Context.current(), "goroutine-1", Attributes.empty(), () -> {
 *     Span.current().addEvent("goroutine-1 done"); // child of parent-operation
 *     return null;
 *   });
 *   g.join();
 * } finally {
 *   parent.end();
 * }
 * }
 *
 * <p>All methods are thread-safe.
 */
public final class Go {
  private Go() {}

  /** Starts {@code task} under the current context, fire-and-forget. */
  public static void go(Task task) {
    go(Context.current(), task);
  }

  /** Starts {@code task} with {@code context} current, fire-and-forget. */
  public static void go(Context context, Task task) {
    launchDetached(context, null, Attributes.empty(), task);
  }

  /**
   * Starts {@code task} with {@code context} current inside a child span named {@code spanName}
   * carrying {@code attributes}, fire-and-forget.
   */
  public static void go(Context context, String spanName, Attributes attributes, Task task) {
    launchDetached(
        context,
        Objects.requireNonNull(spanName, "spanName"),
        Objects.requireNonNull(attributes, "attributes"),
        task);
  }

  /** Starts {@code task} under the current context; join the result with the returned handle. */
  public static <T extends @Nullable Object> Goroutine<T> start(Callable<T> task) {
    return start(Context.current(), task);
  }

  /** Starts {@code task} with {@code context} current; join the result with the returned handle. */
  public static <T extends @Nullable Object> Goroutine<T> start(Context context, Callable<T> task) {
    return Goroutine.launch(context, null, Attributes.empty(), task);
  }

  /**
   * Starts {@code task} with {@code context} current inside a child span named {@code spanName}
   * carrying {@code attributes}; join the result with the returned handle.
   */
  public static <T extends @Nullable Object> Goroutine<T> start(
      Context context, String spanName, Attributes attributes, Callable<T> task) {
    return Goroutine.launch(
        context,
        Objects.requireNonNull(spanName, "spanName"),
        Objects.requireNonNull(attributes, "attributes"),
        task);
  }

  private static void launchDetached(
      Context context, @Nullable String spanName, Attributes attributes, Task task) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(task, "task");
    TaskLauncher.launch(
        context,
        spanName,
        attributes,
        task,
        failure -> {
          if (failure != null) {
            TaskLauncher.reportUncaught(failure);
          }
        });
  }
}
