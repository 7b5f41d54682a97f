package dev.shuttle.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The bounded FIFO of a worker pool's accepted jobs that no worker has started, numbering each job
 * ({@code job.id}) as it enters.
 *
 * <p>Implementation note: not thread-safe on its own. Its pool holds it in a field annotated
 * {@code @GuardedBy("lock")}, so Error Prone checks that every call happens under the pool's lock;
 * the waits for room and for a job are the pool's, on conditions of that lock.
 */
final class JobQueue {
  private final ArrayDeque<Job<?>> jobs;
  private final int capacity;
  private long nextJobId;

  JobQueue(int capacity) {
    this.capacity = capacity;
    this.jobs = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /** Returns how many jobs the queue holds at most. */
  int capacity() {
    return capacity;
  }

  /** Returns how many jobs wait now. */
  int size() {
    return jobs.size();
  }

  boolean isEmpty() {
    return jobs.isEmpty();
  }

  /** Returns {@code true} if another job fits. */
  boolean hasRoom() {
    return jobs.size() < capacity;
  }

  /** Numbers {@code job}, stamps when it entered, and appends it; the caller checked the room. */
  void add(Job<?> job, long enqueuedNanos) {
    job.id = ++nextJobId;
    job.enqueuedNanos = enqueuedNanos;
    jobs.addLast(job);
  }

  /** Removes and returns the oldest job, or {@code null} if none waits. */
  @Nullable Job<?> poll() {
    return jobs.pollFirst();
  }

  /** Removes and returns every waiting job, oldest first. */
  List<Job<?>> drain() {
    List<Job<?>> all = new ArrayList<>(jobs);
    jobs.clear();
    return all;
  }
}
