package dev.shuttle.pool;

import dev.shuttle.internal.Checks;
import dev.shuttle.telemetry.PoolAttributes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

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
 * #stopNow()} releases a worker blocked on a results channel); the pool shrinks. See {@link
 * AbstractWorkerPool} for the life cycle.
 *
 * <p>Thread-safe: any thread may submit, resize, stop or wait.
 */
public final class DynamicWorkerPool extends AbstractWorkerPool {
  private static final AtomicLong UNNAMED = new AtomicLong();

  private DynamicWorkerPool(
      String name, int min, int max, int capacity, int growThreshold, Duration idleTimeout) {
    super(name, PoolAttributes.TYPE_DYNAMIC, min, max, capacity, growThreshold, idleTimeout);
  }

  /** Returns a builder; every setting is optional. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the minimum number of workers. */
  public int minWorkers() {
    return currentMin();
  }

  /** Returns the maximum number of workers. */
  public int maxWorkers() {
    return currentMax();
  }

  /** Returns how long a worker above the minimum may stay idle before it retires. */
  public Duration idleTimeout() {
    return currentIdleTimeout();
  }

  /**
   * Changes the bounds at runtime, keeping the idle timeout. Missing workers (below the new
   * minimum) start at once; extra ones (above the new maximum) retire when they finish their
   * current job.
   *
   * @throws IllegalArgumentException if {@code min} is negative, {@code max} is less than 1, or
   *     {@code min > max}
   */
  public void resize(int min, int max) {
    resize(min, max, idleTimeout());
  }

  /**
   * Changes the bounds and the idle timeout at runtime.
   *
   * @throws IllegalArgumentException if {@code min} is negative, {@code max} is less than 1, {@code
   *     min > max}, or {@code idleTimeout} is not positive
   */
  public void resize(int min, int max, Duration idleTimeout) {
    checkBounds(min, max);
    resizeTo(min, max, Checks.positive(idleTimeout, "idleTimeout"));
  }

  private static void checkBounds(int min, int max) {
    Checks.nonNegative(min, "minWorkers");
    Checks.positive(max, "maxWorkers");
    if (min > max) {
      throw new IllegalArgumentException(
          "minWorkers (" + min + ") must not be greater than maxWorkers (" + max + ")");
    }
  }

  /**
   * Configures a {@link DynamicWorkerPool}; each setting is validated when it is set, may be set
   * once, and {@link #build()} checks that they agree. Not thread-safe.
   */
  public static final class Builder {
    private String name = "";
    private int minWorkers = -1;
    private int maxWorkers = -1;
    private int queueCapacity = -1;
    private int growThreshold = -1;
    private @org.jspecify.annotations.Nullable Duration idleTimeout;

    private Builder() {}

    /**
     * Sets the pool's name (the {@code worker_pool.name} attribute); default {@code
     * dynamic-pool-<n>}.
     *
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws IllegalStateException if the name was already set
     */
    public Builder name(String name) {
      Checks.notSet(!this.name.isEmpty(), "name", this.name);
      this.name = Checks.name(name);
      return this;
    }

    /**
     * Sets how many workers stay alive however idle; default 1.
     *
     * @throws IllegalArgumentException if {@code minWorkers} is negative
     * @throws IllegalStateException if it was already set
     */
    public Builder minWorkers(int minWorkers) {
      Checks.notSet(this.minWorkers != -1, "minWorkers", this.minWorkers);
      this.minWorkers = Checks.nonNegative(minWorkers, "minWorkers");
      return this;
    }

    /**
     * Sets how many workers may be alive at once; default {@link Runtime#availableProcessors()} (at
     * least the minimum).
     *
     * @throws IllegalArgumentException if {@code maxWorkers} is less than 1
     * @throws IllegalStateException if it was already set
     */
    public Builder maxWorkers(int maxWorkers) {
      Checks.notSet(this.maxWorkers != -1, "maxWorkers", this.maxWorkers);
      this.maxWorkers = Checks.positive(maxWorkers, "maxWorkers");
      return this;
    }

    /**
     * Sets how many accepted jobs may wait; default 100.
     *
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     * @throws IllegalStateException if it was already set
     */
    public Builder queueCapacity(int capacity) {
      Checks.notSet(queueCapacity != -1, "queue capacity", queueCapacity);
      this.queueCapacity = Checks.positive(capacity, "queue capacity");
      return this;
    }

    /**
     * Sets the queue depth above which a submission starts another worker; default 50, or half the
     * queue capacity if that is smaller.
     *
     * @throws IllegalArgumentException if {@code threshold} is negative
     * @throws IllegalStateException if it was already set
     */
    public Builder growThreshold(int threshold) {
      Checks.notSet(growThreshold != -1, "growThreshold", growThreshold);
      this.growThreshold = Checks.nonNegative(threshold, "growThreshold");
      return this;
    }

    /**
     * Sets how long a worker above the minimum may stay idle before it retires; default 1 second
     * (as ants' {@code ExpiryDuration}).
     *
     * @throws IllegalArgumentException if {@code idleTimeout} is not positive
     * @throws IllegalStateException if it was already set
     */
    public Builder idleTimeout(Duration idleTimeout) {
      Checks.notSet(this.idleTimeout != null, "idleTimeout", String.valueOf(this.idleTimeout));
      this.idleTimeout = Checks.positive(idleTimeout, "idleTimeout");
      return this;
    }

    /**
     * Builds the pool and starts its minimum number of workers.
     *
     * @throws IllegalArgumentException if the minimum is greater than the maximum, or the grow
     *     threshold is not below the queue capacity
     */
    public DynamicWorkerPool build() {
      int min = minWorkers != -1 ? minWorkers : 1;
      int max =
          maxWorkers != -1
              ? maxWorkers
              : Math.max(min, Math.max(1, Runtime.getRuntime().availableProcessors()));
      checkBounds(min, max);
      int capacity = queueCapacity != -1 ? queueCapacity : 100;
      int threshold = growThreshold != -1 ? growThreshold : Math.min(50, capacity / 2);
      if (threshold >= capacity) {
        throw new IllegalArgumentException(
            "growThreshold ("
                + threshold
                + ") must be below the queue capacity ("
                + capacity
                + "), or the pool could never grow");
      }
      Duration timeout = idleTimeout != null ? idleTimeout : Duration.ofSeconds(1);
      String poolName = name.isEmpty() ? "dynamic-pool-" + UNNAMED.incrementAndGet() : name;
      return new DynamicWorkerPool(poolName, min, max, capacity, threshold, timeout);
    }
  }
}
