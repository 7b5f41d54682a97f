package dev.shuttle.sync;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.Task;
import dev.shuttle.context.Cancellation;
import dev.shuttle.context.Contexts;
import dev.shuttle.context.Stoppable;
import dev.shuttle.inspect.BlockedOn;
import dev.shuttle.internal.BlockSite;
import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.LiveGoroutine;
import dev.shuttle.internal.run.TaskLauncher;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Waits for a collection of tasks to finish: Go's {@code sync.WaitGroup}, with {@link #go} (Go
 * 1.25's {@code wg.Go}) and waits that honour a context or a timeout.
 *
 * {@snippet :
 * WaitGroup wg = WaitGroup.create();
 * for (String task : tasks) {
 *   wg.go("process-task", Attributes.of(TASK_NAME, task), () -> process(task));
 * }
 * wg.await(); // every process-task span is a child of the caller's span
 * }
 *
 * <p>Memory consistency effects: actions in a thread before it calls {@link #done()} (and the
 * actions of a task started by {@code go}) happen-before the actions that follow a return from a
 * wait that the count reaching zero ended.
 *
 * <p>Implementation note: {@code count} is guarded by {@code lock}; {@link #add} changes it and
 * signals {@code zero} when it reaches 0. A change that would make it negative is rejected before
 * anything changes. A context-aware wait registers an {@code onDone} callback that signals {@code
 * zero} under the lock, so a cancelled waiter wakes at once and unregisters on its way out.
 * Thread-safe.
 */
public final class WaitGroup {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition zero = lock.newCondition();
  private static final BlockSite WAITING =
      target -> new BlockedOn.WaitGroupWait(((WaitGroup) target).count());

  @GuardedBy("lock")
  private long count;

  private WaitGroup() {}

  /**
   * Returns a new wait group with a counter of zero (Go's zero {@code sync.WaitGroup}).
   *
   * @return a new wait group
   */
  public static WaitGroup create() {
    return new WaitGroup();
  }

  /**
   * Adds {@code delta}, which may be negative, to the counter; waiters are released when it reaches
   * zero.
   *
   * @param delta the amount to add: positive before starting work, negative when it is done
   * @throws IllegalStateException if the counter would become negative; the counter is unchanged
   */
  public void add(int delta) {
    lock.lock();
    try {
      long next = count + delta;
      if (next < 0) {
        throw new IllegalStateException(
            "WaitGroup counter would go negative: it is "
                + count
                + " and add("
                + delta
                + ") was called; every done() needs a matching add(1)");
      }
      count = next;
      if (next == 0) {
        zero.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Decrements the counter by one.
   *
   * @throws IllegalStateException if the counter is already zero
   */
  public void done() {
    add(-1);
  }

  /**
   * Returns the counter's current value.
   *
   * @return the counter: the work added and not yet done
   */
  public long count() {
    lock.lock();
    try {
      return count;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Adds one, runs {@code task} on a virtual thread under the current context, and calls {@link
   * #done()} when it ends (Go 1.25's {@code wg.Go}). A failure is not lost: it goes to the thread's
   * uncaught-exception handler and the {@code shuttle.goroutine.uncaught_failures} counter; use
   * {@link ErrGroup} to collect failures instead.
   *
   * @param task the work to run on the new goroutine
   */
  public void go(Task task) {
    launch(null, Attributes.empty(), task);
  }

  /**
   * As {@link #go(Task)}, inside a child span named {@code spanName} with {@code attributes}.
   *
   * @param spanName the name of the task's span
   * @param attributes the attributes of the task's span
   * @param task the work to run on the new goroutine
   */
  public void go(String spanName, Attributes attributes, Task task) {
    launch(
        Objects.requireNonNull(spanName, "spanName"),
        Objects.requireNonNull(attributes, "attributes"),
        task);
  }

  private void launch(@Nullable String spanName, Attributes attributes, Task task) {
    Objects.requireNonNull(task, "task");
    add(1);
    TaskLauncher.launch(
        "waitgroup",
        Context.current(),
        spanName,
        attributes,
        task::run,
        failure -> {
          try {
            if (failure != null) {
              TaskLauncher.reportUncaught(failure);
            }
          } finally {
            done();
          }
        });
  }

  /**
   * Blocks until the counter is zero.
   *
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public void await() throws InterruptedException {
    LiveGoroutine blocked = GoroutineRegistry.block(this, WAITING);
    lock.lockInterruptibly();
    try {
      while (count > 0) {
        zero.await();
      }
    } finally {
      lock.unlock();
      GoroutineRegistry.unblock(blocked);
    }
  }

  /**
   * Blocks until the counter is zero or {@code timeout} elapses.
   *
   * @param timeout how long to wait at most; zero or negative only checks
   * @return {@code true} if the counter reached zero, {@code false} on timeout
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public boolean await(Duration timeout) throws InterruptedException {
    long remaining = Objects.requireNonNull(timeout, "timeout").toNanos();
    LiveGoroutine blocked = GoroutineRegistry.block(this, WAITING);
    lock.lockInterruptibly();
    try {
      while (count > 0) {
        if (remaining <= 0) {
          return false;
        }
        remaining = zero.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
      GoroutineRegistry.unblock(blocked);
    }
  }

  /**
   * Blocks until the counter is zero or {@code context} is done.
   *
   * @param context the context whose cancellation or deadline ends the wait
   * @throws dev.shuttle.context.ContextDoneException if the context is done first (also when the
   *     thread is interrupted once it is done; the interrupt flag then stays set)
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public void await(Context context) throws InterruptedException {
    Cancellation cancellation = Contexts.cancellation(Objects.requireNonNull(context, "context"));
    Stoppable wakeUp = cancellation.onDone(this::wakeWaiters);
    LiveGoroutine blocked = GoroutineRegistry.block(this, WAITING);
    try {
      lock.lockInterruptibly();
      try {
        while (count > 0) {
          cancellation.throwIfDone();
          zero.await();
        }
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      if (!cancellation.isDone()) {
        throw e;
      }
      Thread.currentThread().interrupt(); // the cancellation's own interrupt: report it as such
      cancellation.throwIfDone();
    } finally {
      wakeUp.stop();
      GoroutineRegistry.unblock(blocked);
    }
  }

  private void wakeWaiters() {
    lock.lock();
    try {
      zero.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "WaitGroup{count=" + count() + "}";
  }
}
