package dev.shuttle;

import dev.shuttle.internal.Rethrow;
import dev.shuttle.internal.TaskLauncher;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A running goroutine whose result or failure can be joined; made by {@link Go#start}.
 *
 * <p>Implementation note: the task's thread writes {@code value} or {@code failure} and then ends;
 * {@link Thread#join} gives joiners a happens-before edge to those writes, so the fields need no
 * further synchronisation. Thread-safe: any number of threads may join.
 *
 * @param <T> the task's result type
 */
public final class Goroutine<T extends @Nullable Object> {
  private final Context context;
  private @Nullable Thread thread;
  private @Nullable T value;
  private @Nullable Throwable failure;

  private Goroutine(Context context) {
    this.context = context;
  }

  static <T extends @Nullable Object> Goroutine<T> launch(
      Context context, @Nullable String spanName, Attributes attributes, Callable<T> task) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(task, "task");
    Goroutine<T> goroutine = new Goroutine<>(context);
    goroutine.thread =
        TaskLauncher.launch(
            context,
            spanName,
            attributes,
            () -> goroutine.value = task.call(),
            failure -> goroutine.failure = failure);
    return goroutine;
  }

  /**
   * Waits for the goroutine and returns its result.
   *
   * @throws Exception the task's own exception, unchanged, if it failed
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public T join() throws Exception {
    thread().join();
    return result();
  }

  /**
   * Waits at most {@code timeout} for the goroutine and returns its result.
   *
   * @throws TimeoutException if it is still running after {@code timeout}
   * @throws Exception the task's own exception, unchanged, if it failed
   */
  public T join(Duration timeout) throws Exception {
    Objects.requireNonNull(timeout, "timeout");
    if (!thread().join(timeout)) {
      throw new TimeoutException("goroutine still running after " + timeout);
    }
    return result();
  }

  /** Returns {@code true} once the task has returned or failed. */
  public boolean isDone() {
    return !thread().isAlive();
  }

  /** Returns the context the goroutine runs under (before its own span, if traced). */
  public Context context() {
    return context;
  }

  private Thread thread() {
    return Objects.requireNonNull(thread, "thread"); // set before the handle escapes
  }

  @SuppressWarnings("NullAway") // value is the task's result: null only where T admits null
  private T result() throws Exception {
    Throwable thrown = failure;
    if (thrown == null) {
      return value;
    }
    throw Rethrow.failure(thrown);
  }
}
