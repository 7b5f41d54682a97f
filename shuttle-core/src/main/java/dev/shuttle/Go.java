package dev.shuttle;

import dev.shuttle.internal.run.InterruptOnCancel;
import dev.shuttle.internal.run.TaskLauncher;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
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
 * <p>For code that starts threads itself, {@link #threadFactory()} makes threads that carry the
 * context (trace and cancellation) of whoever asked for them, for {@code StructuredTaskScope} and
 * thread-per-task executors; {@link #executor(Executor)} carries each task's context into any
 * executor.
 *
 * <p>Cancellation: a goroutine runs under its context's cancellation, and its thread is interrupted
 * when that context is done (so {@code Thread.sleep}, JDBC and HTTP clients stop too), unless the
 * context was made by {@link dev.shuttle.context.Contexts#withoutInterrupt}; a task that fails
 * because of that interrupt is reported as the {@link dev.shuttle.context.ContextDoneException} it
 * stands for, carrying the context's cause.
 *
 * <p>All methods are thread-safe.
 */
public final class Go {
  private static final ThreadFactory THREADS =
      Thread.ofVirtual().name("shuttle-thread-", 1).factory();

  private static final ThreadFactory GOROUTINE_THREADS =
      task ->
          THREADS.newThread(
              TaskLauncher.asGoroutine(
                  "thread factory", Context.current(), Objects.requireNonNull(task, "task")));

  private Go() {}

  /**
   * Starts {@code task} under the current context, fire-and-forget.
   *
   * @param task the work to run on the new goroutine
   */
  public static void go(Task task) {
    go(Context.current(), task);
  }

  /**
   * Starts {@code task} with {@code context} current, fire-and-forget.
   *
   * @param context the context the task runs under: its span is the parent of the task's spans, and
   *     its cancellation interrupts the task
   * @param task the work to run on the new goroutine
   */
  public static void go(Context context, Task task) {
    launchDetached(context, null, Attributes.empty(), task);
  }

  /**
   * Starts {@code task} with {@code context} current inside a child span named {@code spanName}
   * carrying {@code attributes}, fire-and-forget.
   *
   * @param context the context the task runs under: its span is the parent of the goroutine's span,
   *     and its cancellation interrupts the task
   * @param spanName the name of the goroutine's span
   * @param attributes the attributes of the goroutine's span
   * @param task the work to run on the new goroutine
   */
  public static void go(Context context, String spanName, Attributes attributes, Task task) {
    launchDetached(
        context,
        Objects.requireNonNull(spanName, "spanName"),
        Objects.requireNonNull(attributes, "attributes"),
        task);
  }

  /**
   * Starts {@code task} under the current context; join the result with the returned handle.
   *
   * @param <T> the task's result type
   * @param task the work to run on the new goroutine
   * @return the running goroutine, to join its result or failure
   */
  public static <T extends @Nullable Object> Goroutine<T> start(Callable<T> task) {
    return start(Context.current(), task);
  }

  /**
   * Starts {@code task} with {@code context} current; join the result with the returned handle.
   *
   * @param <T> the task's result type
   * @param context the context the task runs under: its span is the parent of the task's spans, and
   *     its cancellation interrupts the task
   * @param task the work to run on the new goroutine
   * @return the running goroutine, to join its result or failure
   */
  public static <T extends @Nullable Object> Goroutine<T> start(Context context, Callable<T> task) {
    return Goroutine.launch(context, null, Attributes.empty(), task);
  }

  /**
   * Starts {@code task} with {@code context} current inside a child span named {@code spanName}
   * carrying {@code attributes}; join the result with the returned handle.
   *
   * @param <T> the task's result type
   * @param context the context the task runs under: its span is the parent of the goroutine's span,
   *     and its cancellation interrupts the task
   * @param spanName the name of the goroutine's span
   * @param attributes the attributes of the goroutine's span
   * @param task the work to run on the new goroutine
   * @return the running goroutine, to join its result or failure
   */
  public static <T extends @Nullable Object> Goroutine<T> start(
      Context context, String spanName, Attributes attributes, Callable<T> task) {
    return Goroutine.launch(
        context,
        Objects.requireNonNull(spanName, "spanName"),
        Objects.requireNonNull(attributes, "attributes"),
        task);
  }

  /**
   * Returns a factory of goroutine threads: virtual threads named {@code shuttle-thread-<n>}, each
   * running its task with the context that was current when {@link ThreadFactory#newThread} was
   * called (its span and its cancellation), counted as goroutines, and interrupted when that
   * context is done unless it was made by {@link dev.shuttle.context.Contexts#withoutInterrupt}.
   *
   * <p>For {@code StructuredTaskScope} (which creates each subtask's thread in {@code fork}, on the
   * forking thread) and {@link java.util.concurrent.Executors#newThreadPerTaskExecutor}: there a
   * thread is created for one task, when it is submitted. Do not give it to a thread <em>pool</em>:
   * a pooled thread would keep the context of the task that made the pool create it; wrap the pool
   * with {@link #executor(Executor)} instead.
   *
   * {@snippet :
   * // JDK 25, preview API:
   * try (var scope = StructuredTaskScope.open(Joiner.awaitAllSuccessfulOrThrow(),
   *     config -> config.withThreadFactory(Go.threadFactory()))) {
   *   Subtask<User> user = scope.fork(() -> findUser(id)); // child span, request's deadline
   *   scope.join();
   * }
   * }
   *
   * @return the factory; one instance shared by all callers
   */
  public static ThreadFactory threadFactory() {
    return GOROUTINE_THREADS;
  }

  /**
   * Returns an executor that runs each task on {@code delegate} with the context that was current
   * when the task was submitted (Shuttle's cancellation included, which {@link
   * Context#taskWrapping(Executor)} also carries), and interrupts the running task when that
   * context is done, unless it was made by {@link dev.shuttle.context.Contexts#withoutInterrupt}.
   * The interrupt is cleared before {@code delegate}'s thread runs anything else, so it is safe
   * with thread pools. Tasks are not counted as goroutines: they run on {@code delegate}'s threads.
   *
   * @param delegate the executor whose threads run the tasks
   * @return an executor that hands each task to {@code delegate}
   */
  public static Executor executor(Executor delegate) {
    Objects.requireNonNull(delegate, "delegate");
    return command -> {
      Objects.requireNonNull(command, "command");
      Context context = Context.current();
      delegate.execute(() -> runInterruptible(context, command));
    };
  }

  @SuppressWarnings("try") // the scope is only closed
  private static void runInterruptible(Context context, Runnable command) {
    InterruptOnCancel interrupt = InterruptOnCancel.arm(context);
    try (Scope ignored = context.makeCurrent()) {
      command.run();
    } finally {
      interrupt.disarm(null);
    }
  }

  private static void launchDetached(
      Context context, @Nullable String spanName, Attributes attributes, Task task) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(task, "task");
    TaskLauncher.launch(
        "go",
        context,
        spanName,
        attributes,
        task::run,
        failure -> {
          if (failure != null) {
            TaskLauncher.reportUncaught(failure);
          }
        });
  }
}
