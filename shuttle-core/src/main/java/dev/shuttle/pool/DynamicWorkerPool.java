package dev.shuttle.pool;

import dev.shuttle.internal.Checks;
import dev.shuttle.telemetry.PoolAttributes;
import java.time.Duration;

/**
 * A worker pool whose size follows the load (Go's dynamic worker pool pattern): it keeps at least
 * {@code minWorkers} workers, starts another (up to {@code maxWorkers}) when a submission finds
 * more than {@code growThreshold} jobs queued, and retires a worker that has been idle longer than
 * {@code idleTimeout} while more than {@code minWorkers} are alive (ants' {@code ExpiryDuration}).
 * The bounds can be changed at runtime with {@link #resize}.
 *
 * {@snippet :
 * try (DynamicWorkerPool pool = DynamicWorkerPool.builder()
 *     .name("ingest").minWorkers(2).maxWorkers(32)
 *     .growThreshold(50).idleTimeout(Duration.ofSeconds(1)).build()) {
 *   for (Event e : burst) {
 *     pool.submit(() -> store(e)); // grows while the queue is deeper than 50
 *   }
 * } // idle workers retire after 1 s; close() drains and waits
 * }
 *
 * <p>Growing happens under one lock taken once; results never block a worker forever ({@link
 * #stopNow()} releases a worker blocked on a results channel); the pool shrinks. The contract is
 * {@link Pool}'s; {@link AbstractWorkerPool} says what the queue adds.
 *
 * <p>Thread-safe: any thread may submit, resize, stop or wait.
 */
public final class DynamicWorkerPool extends AbstractWorkerPool {
  DynamicWorkerPool(
      String name, int min, int max, int capacity, int growThreshold, Duration idleTimeout) {
    super(name, PoolAttributes.TYPE_DYNAMIC, min, max, capacity, growThreshold, idleTimeout);
  }

  /**
   * Returns a builder; every setting is optional.
   *
   * @return a new builder with every setting unset
   */
  public static DynamicWorkerPoolBuilder builder() {
    return new DynamicWorkerPoolBuilder();
  }

  /**
   * Returns the minimum number of workers.
   *
   * @return the minimum, as last set by the builder or {@link #resize}
   */
  public int minWorkers() {
    return currentMin();
  }

  /**
   * Returns the maximum number of workers.
   *
   * @return the maximum, as last set by the builder or {@link #resize}
   */
  public int maxWorkers() {
    return currentMax();
  }

  /**
   * Returns how long a worker above the minimum may stay idle before it retires.
   *
   * @return the idle timeout, as last set by the builder or {@link #resize(int, int, Duration)}
   */
  public Duration idleTimeout() {
    return currentIdleTimeout();
  }

  /**
   * Changes the bounds at runtime, keeping the idle timeout. Missing workers (below the new
   * minimum) start at once; extra ones (above the new maximum) retire when they finish their
   * current job.
   *
   * @param min the fewest workers to keep, zero or more
   * @param max the most workers to run, at least 1 and at least {@code min}
   * @throws IllegalArgumentException if {@code min} is negative, {@code max} is less than 1, or
   *     {@code min > max}
   */
  public void resize(int min, int max) {
    resize(min, max, idleTimeout());
  }

  /**
   * Changes the bounds and the idle timeout at runtime.
   *
   * @param min the fewest workers to keep, zero or more
   * @param max the most workers to run, at least 1 and at least {@code min}
   * @param idleTimeout how long a worker above the minimum may stay idle before it retires
   * @throws IllegalArgumentException if {@code min} is negative, {@code max} is less than 1, {@code
   *     min > max}, or {@code idleTimeout} is not positive
   */
  public void resize(int min, int max, Duration idleTimeout) {
    checkBounds(min, max);
    resizeTo(min, max, Checks.positive(idleTimeout, "idleTimeout"));
  }

  static void checkBounds(int min, int max) {
    Checks.nonNegative(min, "minWorkers");
    Checks.positive(max, "maxWorkers");
    if (min > max) {
      throw new IllegalArgumentException(
          "minWorkers (" + min + ") must not be greater than maxWorkers (" + max + ")");
    }
  }
}
