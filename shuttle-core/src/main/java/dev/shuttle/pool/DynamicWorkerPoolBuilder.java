package dev.shuttle.pool;

import dev.shuttle.internal.Checks;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Configures a {@link DynamicWorkerPool}; from {@link DynamicWorkerPool#builder()}. Each setting is
 * validated when it is set, may be set once, and {@link #build()} checks that they agree. Not
 * thread-safe.
 */
public final class DynamicWorkerPoolBuilder {
  private static final AtomicLong UNNAMED = new AtomicLong();

  private String name = "";
  private int minWorkers = -1;
  private int maxWorkers = -1;
  private int queueCapacity = -1;
  private int growThreshold = -1;
  private @Nullable Duration idleTimeout;

  DynamicWorkerPoolBuilder() {}

  /**
   * Sets the pool's name (the {@code worker_pool.name} attribute); default {@code
   * dynamic-pool-<n>}.
   *
   * @param name the pool's name
   * @return this builder
   * @throws IllegalArgumentException if {@code name} is blank
   * @throws IllegalStateException if the name was already set
   */
  public DynamicWorkerPoolBuilder name(String name) {
    Checks.notSet(!this.name.isEmpty(), "name", this.name);
    this.name = Checks.name(name);
    return this;
  }

  /**
   * Sets how many workers stay alive however idle; default 1.
   *
   * @param minWorkers the fewest workers to keep, zero or more
   * @return this builder
   * @throws IllegalArgumentException if {@code minWorkers} is negative
   * @throws IllegalStateException if it was already set
   */
  public DynamicWorkerPoolBuilder minWorkers(int minWorkers) {
    Checks.notSet(this.minWorkers != -1, "minWorkers", this.minWorkers);
    this.minWorkers = Checks.nonNegative(minWorkers, "minWorkers");
    return this;
  }

  /**
   * Sets how many workers may be alive at once; default {@link Runtime#availableProcessors()} (at
   * least the minimum).
   *
   * @param maxWorkers the most workers to run at once
   * @return this builder
   * @throws IllegalArgumentException if {@code maxWorkers} is less than 1
   * @throws IllegalStateException if it was already set
   */
  public DynamicWorkerPoolBuilder maxWorkers(int maxWorkers) {
    Checks.notSet(this.maxWorkers != -1, "maxWorkers", this.maxWorkers);
    this.maxWorkers = Checks.positive(maxWorkers, "maxWorkers");
    return this;
  }

  /**
   * Sets how many accepted jobs may wait; default 100.
   *
   * @param capacity the most jobs the queue holds
   * @return this builder
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   * @throws IllegalStateException if it was already set
   */
  public DynamicWorkerPoolBuilder queueCapacity(int capacity) {
    Checks.notSet(queueCapacity != -1, "queue capacity", queueCapacity);
    this.queueCapacity = Checks.positive(capacity, "queue capacity");
    return this;
  }

  /**
   * Sets the queue depth above which a submission starts another worker; default 50, or half the
   * queue capacity if that is smaller.
   *
   * @param threshold the most queued jobs a submission may find without starting a worker
   * @return this builder
   * @throws IllegalArgumentException if {@code threshold} is negative
   * @throws IllegalStateException if it was already set
   */
  public DynamicWorkerPoolBuilder growThreshold(int threshold) {
    Checks.notSet(growThreshold != -1, "growThreshold", growThreshold);
    this.growThreshold = Checks.nonNegative(threshold, "growThreshold");
    return this;
  }

  /**
   * Sets how long a worker above the minimum may stay idle before it retires; default 1 second (as
   * ants' {@code ExpiryDuration}).
   *
   * @param idleTimeout how long an extra worker waits for a job before it retires
   * @return this builder
   * @throws IllegalArgumentException if {@code idleTimeout} is not positive
   * @throws IllegalStateException if it was already set
   */
  public DynamicWorkerPoolBuilder idleTimeout(Duration idleTimeout) {
    Checks.notSet(this.idleTimeout != null, "idleTimeout", String.valueOf(this.idleTimeout));
    this.idleTimeout = Checks.positive(idleTimeout, "idleTimeout");
    return this;
  }

  /**
   * Builds the pool and starts its minimum number of workers.
   *
   * @return a new, running pool
   * @throws IllegalArgumentException if the minimum is greater than the maximum, or the grow
   *     threshold is not below the queue capacity
   */
  public DynamicWorkerPool build() {
    int min = minWorkers != -1 ? minWorkers : 1;
    int max =
        maxWorkers != -1
            ? maxWorkers
            : Math.max(min, Math.max(1, Runtime.getRuntime().availableProcessors()));
    DynamicWorkerPool.checkBounds(min, max);
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
