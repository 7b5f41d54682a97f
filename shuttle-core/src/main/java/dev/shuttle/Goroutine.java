package dev.shuttle;

import dev.shuttle.internal.Rethrow;
import dev.shuttle.internal.TaskLauncher;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A running goroutine whose result or failure can be joined; made by {@link Go#start}.
 *
 * <p>A failure is never lost: it is recorded on the goroutine's span (if traced) and counted in
 * {@code shuttle.goroutine.failures}; {@link #join()} throws it; and if nobody has joined it by the
 * time the handle becomes unreachable, it is handed to the uncaught-exception handler and counted
 * in {@code shuttle.goroutine.uncaught_failures}, as {@link Go#go} does at once.
 *
 * <p>Memory consistency effects: actions of the task happen-before a successful return from {@link
 * #join()} (or {@link #join(Duration)}), and before {@link #isDone()} returns {@code true}.
 *
 * <p>Implementation note: the task's thread writes {@code value} or {@code failure} and then ends;
 * {@link Thread#join} gives joiners a happens-before edge to those writes, so the fields need no
 * further synchronisation. A failed task also registers an {@link UnjoinedFailure} with a {@link
 * Cleaner}: the action holds the failure and the thread, never the handle, and reports unless a
 * joiner set its volatile {@code joined} flag first. Thread-safe: any number of threads may join.
 *
 * @param <T> the task's result type
 */
public final class Goroutine<T extends @Nullable Object> {
  private final Context context;
  private @Nullable Thread thread;
  private @Nullable T value;
  private @Nullable Throwable failure;
  private @Nullable UnjoinedFailure unjoined;

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
            failure -> {
              if (failure != null) {
                goroutine.failed(failure);
              }
            });
    return goroutine;
  }

  /** On the task's thread, before it ends. */
  private void failed(Throwable thrown) {
    failure = thrown;
    UnjoinedFailure report = new UnjoinedFailure(Thread.currentThread(), thrown);
    unjoined = report;
    UnjoinedFailure.CLEANER.register(this, report);
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
    try {
      Objects.requireNonNull(unjoined, "a failed goroutine has a report").joined = true;
      throw Rethrow.failure(thrown);
    } finally {
      Reference.reachabilityFence(this); // no cleaning while a joiner is taking the failure
    }
  }

  /**
   * Reports the failure of a goroutine that nobody joined, once its handle is unreachable. Holds no
   * reference to the handle, or the cleaner could never run.
   */
  private static final class UnjoinedFailure implements Runnable {
    /** Created with the first failed goroutine: a program whose goroutines never fail has none. */
    static final Cleaner CLEANER =
        Cleaner.create(Thread.ofPlatform().name("shuttle-unjoined-failures").factory());

    private final Thread thread;
    private final Throwable failure;
    volatile boolean joined;

    UnjoinedFailure(Thread thread, Throwable failure) {
      this.thread = thread;
      this.failure = failure;
    }

    @Override
    public void run() {
      if (!joined) {
        TaskLauncher.reportUncaught(thread, failure);
      }
    }
  }
}
