package dev.shuttle.sync;

import dev.shuttle.context.CancelableContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The failures of one {@link ErrGroup}: it keeps the first (and cancels the group's context with
 * it), or, when collecting, every one; and counts them all.
 *
 * <p>Implementation note: the first failure is decided by a CAS on {@code first}, so exactly one
 * task's failure cancels the context. {@code all} is a lock-free queue in the order failures were
 * recorded. Thread-safe; {@link #outcome} is read after every task has ended (the group's {@link
 * WaitGroup} orders it after each {@link #record}).
 */
final class GroupFailures {
  private final boolean collectAll;
  private final @Nullable CancelableContext cancelOnFirst;
  private final AtomicLong count = new AtomicLong();
  private final AtomicReference<@Nullable Throwable> first = new AtomicReference<>();
  private final ConcurrentLinkedQueue<Throwable> all = new ConcurrentLinkedQueue<>();

  /**
   * @param collectAll keep every failure rather than the first
   * @param cancelOnFirst the context the first failure cancels, or {@code null}
   */
  GroupFailures(boolean collectAll, @Nullable CancelableContext cancelOnFirst) {
    this.collectAll = collectAll;
    this.cancelOnFirst = cancelOnFirst;
  }

  /** Records a task's failure. */
  void record(Throwable failure) {
    count.incrementAndGet();
    if (collectAll) {
      all.add(failure);
    } else if (first.compareAndSet(null, failure) && cancelOnFirst != null) {
      cancelOnFirst.cancel(failure);
    }
  }

  /** The number of tasks that failed so far. */
  long count() {
    return count.get();
  }

  /**
   * What {@link ErrGroup#await()} throws: the first failure, or, when collecting, a {@link
   * GroupFailedException} with every failure of the {@code tasks} started; {@code null} when none
   * failed.
   */
  @Nullable Throwable outcome(long tasks) {
    if (!collectAll) {
      return first.get();
    }
    List<Throwable> failures = new ArrayList<>(all);
    return failures.isEmpty() ? null : new GroupFailedException(failures, tasks);
  }
}
