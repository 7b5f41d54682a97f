package dev.shuttle.receiver;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A first-in first-out buffer of batches (such as {@code ResourceMetrics}) whose total size is
 * bounded; adding beyond the limit evicts the oldest batches and counts their size.
 *
 * <p>Implementation note (concurrency): {@code lock} guards all mutable fields. Invariants while
 * the lock is free: {@code total} is the sum of the sizes in {@code batches}, and {@code total <=
 * limit}. {@link #addAll} is linearised at its lock release; eviction happens in the same critical
 * section, so no reader sees the limit exceeded. Every batch counts at least 1, so batches without
 * items still take room and memory stays bounded.
 *
 * <p>Thread-safety: all methods are safe to call from any thread.
 */
final class BoundedBatches<T> {
  private record Sized<T>(T batch, int size) {}

  private final int limit;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private final ArrayDeque<Sized<T>> batches = new ArrayDeque<>();

  @GuardedBy("lock")
  private int total;

  @GuardedBy("lock")
  private long evicted;

  BoundedBatches(int limit) {
    this.limit = limit;
  }

  /** Adds batches with their item counts, then evicts the oldest beyond the limit. */
  void addAll(List<T> newBatches, List<Integer> sizes) {
    lock.lock();
    try {
      for (int i = 0; i < newBatches.size(); i++) {
        int size = Math.max(1, sizes.get(i));
        batches.addLast(new Sized<>(newBatches.get(i), size));
        total += size;
      }
      while (total > limit && !batches.isEmpty()) {
        Sized<T> oldest = batches.removeFirst();
        total -= oldest.size();
        evicted += oldest.size();
      }
    } finally {
      lock.unlock();
    }
  }

  List<T> snapshot() {
    lock.lock();
    try {
      return batches.stream().map(Sized::batch).toList();
    } finally {
      lock.unlock();
    }
  }

  int total() {
    lock.lock();
    try {
      return total;
    } finally {
      lock.unlock();
    }
  }

  long evicted() {
    lock.lock();
    try {
      return evicted;
    } finally {
      lock.unlock();
    }
  }

  void clear() {
    lock.lock();
    try {
      batches.clear();
      total = 0;
    } finally {
      lock.unlock();
    }
  }
}
