package dev.shuttle.sync;

import dev.shuttle.internal.Checks;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The concurrency limit of an {@link ErrGroup} (Go's {@code SetLimit}) and the count of its tasks
 * running now.
 *
 * <p>Implementation note: a limit is a {@link Semaphore} with one permit per task; {@link #take}
 * acquires one and counts the task as running, and the returned {@link Slot} gives both back when
 * the task ends. Each slot keeps the semaphore it was taken from, so a task always releases to the
 * semaphore it acquired from. Changing the limit is refused while tasks run; as in Go it must not
 * race with {@link #take}. Thread-safe otherwise.
 */
final class GroupLimit {
  private final AtomicLong running = new AtomicLong();

  /** The slot of every task while there is no limit: it holds no semaphore, so one serves all. */
  private final Slot unlimited = new Slot(null);

  private volatile @Nullable Semaphore slots;
  private volatile int value;

  /** A limit of {@code n} tasks, or none when {@code n} is 0. */
  GroupLimit(int n) {
    if (n > 0) {
      slots = new Semaphore(n);
      value = n;
    }
  }

  /** A task's place in the group, given back when the task ends. */
  final class Slot {
    private final @Nullable Semaphore from;

    private Slot(@Nullable Semaphore from) {
      this.from = from;
    }

    /** Counts the task as ended and frees its place under the limit. */
    void release() {
      running.decrementAndGet();
      if (from != null) {
        from.release();
      }
    }
  }

  /**
   * Takes a place for a task: waits at the limit if {@code wait}, else returns {@code null} there.
   *
   * @throws InterruptedException if interrupted while waiting; nothing was taken
   */
  @Nullable Slot take(boolean wait) throws InterruptedException {
    Semaphore from = slots;
    if (from != null) {
      if (wait) {
        from.acquire();
      } else if (!from.tryAcquire()) {
        return null;
      }
    }
    running.incrementAndGet();
    return from == null ? unlimited : new Slot(from);
  }

  /** Sets the limit to {@code n} tasks. */
  void set(int n) {
    Checks.positive(n, "ErrGroup limit");
    checkNoneRunning("setLimit(" + n + ")");
    slots = new Semaphore(n);
    value = n;
  }

  /** Removes the limit. */
  void remove() {
    checkNoneRunning("removeLimit()");
    slots = null;
    value = 0;
  }

  /** The limit, or 0 when there is none. */
  int value() {
    return value;
  }

  /** The number of tasks running now. */
  long running() {
    return running.get();
  }

  private void checkNoneRunning(String call) {
    long active = running.get();
    if (active > 0) {
      throw new IllegalStateException(
          "cannot call " + call + " while " + active + " tasks of this ErrGroup are still running");
    }
  }
}
