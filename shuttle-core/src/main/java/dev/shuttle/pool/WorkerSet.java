package dev.shuttle.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The workers of a worker pool and its sizing rules: the bounds ({@code min}, {@code max}), the
 * idle timeout after which a worker above the minimum retires, the queue depth above which a
 * submission starts another worker, and how many workers wait for a job now. The set is the worker
 * count: a worker is in it from its creation until it exits.
 *
 * <p>Implementation note: not thread-safe on its own. Its pool holds it in a field annotated
 * {@code @GuardedBy("lock")}, so Error Prone checks that every call happens under the pool's lock;
 * a new worker's thread is started by the pool after it releases the lock.
 */
final class WorkerSet {
  private final HashSet<Worker> workers = new HashSet<>();
  private final int growThreshold;
  private int min;
  private int max;
  private long idleTimeoutNanos;
  private long nextWorkerId;
  private int idle;

  WorkerSet(int min, int max, Duration idleTimeout, int growThreshold) {
    this.min = min;
    this.max = max;
    this.idleTimeoutNanos = idleTimeout.toNanos();
    this.growThreshold = growThreshold;
  }

  /** Creates a worker of {@code pool} and adds it to the set; the caller starts it. */
  Worker add(AbstractWorkerPool pool) {
    Worker worker = new Worker(pool, ++nextWorkerId);
    workers.add(worker);
    return worker;
  }

  /**
   * Returns a new worker of {@code pool} to start if a submission that left {@code queued} jobs
   * waiting should grow the set (none alive, below the minimum, or the queue deeper than the
   * threshold, and below the maximum), or {@code null}.
   */
  @Nullable Worker growFor(AbstractWorkerPool pool, int queued) {
    int size = workers.size();
    if (size >= max) {
      return null;
    }
    if (size == 0 || size < min || queued > growThreshold) {
      return add(pool);
    }
    return null;
  }

  /** Removes {@code worker}; returns {@code false} if it had already left. */
  boolean remove(Worker worker) {
    return workers.remove(worker);
  }

  boolean contains(Worker worker) {
    return workers.contains(worker);
  }

  int size() {
    return workers.size();
  }

  boolean isEmpty() {
    return workers.isEmpty();
  }

  /** Returns {@code true} if there are more workers than the maximum allows. */
  boolean overMax() {
    return workers.size() > max;
  }

  /** Returns {@code true} if there are more workers than the minimum: idle ones may retire. */
  boolean aboveMin() {
    return workers.size() > min;
  }

  /** Returns {@code true} if there are fewer workers than the minimum. */
  boolean belowMin() {
    return workers.size() < min;
  }

  int min() {
    return min;
  }

  int max() {
    return max;
  }

  long idleTimeoutNanos() {
    return idleTimeoutNanos;
  }

  /** Sets new bounds and idle timeout; the caller checked them. */
  void resize(int newMin, int newMax, Duration idleTimeout) {
    this.min = newMin;
    this.max = newMax;
    this.idleTimeoutNanos = idleTimeout.toNanos();
  }

  /** A worker starts waiting for a job. */
  void idleStarted() {
    idle++;
  }

  /** A worker stops waiting for a job. */
  void idleEnded() {
    idle--;
  }

  /** Returns how many workers wait for a job now. */
  int idle() {
    return idle;
  }

  /** Returns the threads of the workers alive now. */
  List<Thread> threads() {
    List<Thread> threads = new ArrayList<>(workers.size());
    for (Worker worker : workers) {
      threads.add(worker.thread);
    }
    return threads;
  }

  /** Returns the workers alive now. */
  List<Worker> snapshot() {
    return new ArrayList<>(workers);
  }
}
