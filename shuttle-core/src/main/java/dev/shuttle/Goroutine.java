package dev.shuttle;

import dev.shuttle.inspect.BlockedOn;
import dev.shuttle.internal.BlockSite;
import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.LiveGoroutine;
import dev.shuttle.internal.Rethrow;
import dev.shuttle.internal.run.TaskLauncher;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
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
 * <p>Implementation note: the task's thread writes the outcome's {@code value} or {@code failure}
 * and then ends; {@link Thread#join} gives joiners a happens-before edge to those writes, so the
 * fields need no further synchronisation. A failed task also registers an {@link UnjoinedFailure}
 * with a {@link Cleaner}, on the handle it finds through a weak reference: nothing the task's
 * thread references (its task, the outcome, the cleaning action) references the handle, or the
 * handle could never become unreachable. The action reports unless a joiner set the outcome's
 * volatile {@code joined} flag first. Thread-safe: any number of threads may join.
 *
 * @param <T> the task's result type
 */
public final class Goroutine<T extends @Nullable Object> {
  private final Context context;
  private final Outcome<T> outcome;
  private static final BlockSite JOINING =
      target -> new BlockedOn.GoroutineJoin(((Goroutine<?>) target).thread().threadId());

  private @Nullable Thread thread;

  private Goroutine(Context context, Outcome<T> outcome) {
    this.context = context;
    this.outcome = outcome;
  }

  static <T extends @Nullable Object> Goroutine<T> launch(
      Context context, @Nullable String spanName, Attributes attributes, Callable<T> task) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(task, "task");
    Outcome<T> outcome = new Outcome<>();
    Goroutine<T> goroutine = new Goroutine<>(context, outcome);
    outcome.handle = new WeakReference<>(goroutine);
    goroutine.thread =
        TaskLauncher.launch(
            "go",
            context,
            spanName,
            attributes,
            () -> outcome.value = task.call(),
            outcome::completed);
    return goroutine;
  }

  /**
   * Waits for the goroutine and returns its result.
   *
   * @return the value the task returned
   * @throws Exception the task's own exception, unchanged, if it failed
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public T join() throws Exception {
    LiveGoroutine blocked = GoroutineRegistry.block(this, JOINING);
    try {
      thread().join();
    } finally {
      GoroutineRegistry.unblock(blocked);
    }
    return result();
  }

  /**
   * Waits at most {@code timeout} for the goroutine and returns its result.
   *
   * @param timeout how long to wait at most; zero or negative only checks
   * @return the value the task returned
   * @throws TimeoutException if it is still running after {@code timeout}
   * @throws Exception the task's own exception, unchanged, if it failed
   */
  public T join(Duration timeout) throws Exception {
    Objects.requireNonNull(timeout, "timeout");
    boolean ended;
    LiveGoroutine blocked = GoroutineRegistry.block(this, JOINING);
    try {
      ended = thread().join(timeout);
    } finally {
      GoroutineRegistry.unblock(blocked);
    }
    if (!ended) {
      throw new TimeoutException("goroutine still running after " + timeout);
    }
    return result();
  }

  /**
   * Returns {@code true} once the task has returned or failed.
   *
   * @return whether the task has ended
   */
  public boolean isDone() {
    return !thread().isAlive();
  }

  /**
   * Returns the context the goroutine runs under (before its own span, if traced).
   *
   * @return the context it was started with
   */
  public Context context() {
    return context;
  }

  private Thread thread() {
    return Objects.requireNonNull(thread, "thread"); // set before the handle escapes
  }

  @SuppressWarnings("NullAway") // value is the task's result: null only where T admits null
  private T result() throws Exception {
    Throwable thrown = outcome.failure;
    if (thrown == null) {
      return outcome.value;
    }
    try {
      outcome.joined = true;
      throw Rethrow.failure(thrown);
    } finally {
      Reference.reachabilityFence(this); // no cleaning while a joiner is taking the failure
    }
  }

  /** What the task left: written by its thread before it ends, read by joiners after. */
  private static final class Outcome<T extends @Nullable Object> {
    @Nullable T value;
    @Nullable Throwable failure;
    @Nullable WeakReference<Goroutine<?>> handle;
    volatile boolean joined;

    /** On the task's thread, after the task ended. */
    void completed(@Nullable Throwable thrown) {
      if (thrown == null) {
        return;
      }
      failure = thrown;
      Goroutine<?> goroutine = handle == null ? null : handle.get();
      UnjoinedFailure report = new UnjoinedFailure(this, Thread.currentThread());
      if (goroutine == null) {
        report.run(); // the handle is gone already: nobody can join
      } else {
        UnjoinedFailure.CLEANER.register(goroutine, report);
      }
    }
  }

  /** Reports the failure of a goroutine that nobody joined, once its handle is unreachable. */
  private static final class UnjoinedFailure implements Runnable {
    /** Created with the first failed goroutine: a program whose goroutines never fail has none. */
    static final Cleaner CLEANER =
        Cleaner.create(Thread.ofPlatform().name("shuttle-unjoined-failures").factory());

    private final Outcome<?> outcome;
    private final Thread thread;

    UnjoinedFailure(Outcome<?> outcome, Thread thread) {
      this.outcome = outcome;
      this.thread = thread;
    }

    @Override
    public void run() {
      Throwable failure = outcome.failure;
      if (!outcome.joined && failure != null) {
        TaskLauncher.reportUncaught(thread, failure);
      }
    }
  }
}
