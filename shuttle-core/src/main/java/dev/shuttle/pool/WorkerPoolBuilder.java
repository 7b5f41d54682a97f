package dev.shuttle.pool;

import dev.shuttle.internal.Checks;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Configures a {@link WorkerPool}; from {@link WorkerPool#builder()}. Each setting is validated
 * when it is set, and may be set once. Not thread-safe.
 */
public final class WorkerPoolBuilder {
  private static final AtomicLong UNNAMED = new AtomicLong();

  private String name = "";
  private int size = -1;
  private int queueCapacity = -1;

  WorkerPoolBuilder() {}

  /**
   * Sets the pool's name, the {@code worker_pool.name} attribute that tells pools apart on metrics;
   * default {@code worker-pool-<n>}. Keep it low-cardinality: one name per pool in the code, not
   * per request.
   *
   * @param name the pool's name
   * @return this builder
   * @throws IllegalArgumentException if {@code name} is blank
   * @throws IllegalStateException if the name was already set
   */
  public WorkerPoolBuilder name(String name) {
    Checks.notSet(!this.name.isEmpty(), "name", this.name);
    this.name = Checks.name(name);
    return this;
  }

  /**
   * Sets the number of workers; default {@link Runtime#availableProcessors()}.
   *
   * @param size the number of workers
   * @return this builder
   * @throws IllegalArgumentException if {@code size} is less than 1
   * @throws IllegalStateException if the size was already set
   */
  public WorkerPoolBuilder size(int size) {
    Checks.notSet(this.size != -1, "size", this.size);
    this.size = Checks.positive(size, "size");
    return this;
  }

  /**
   * Sets how many accepted jobs may wait for a worker; default twice the size.
   *
   * @param capacity the most jobs the queue holds
   * @return this builder
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   * @throws IllegalStateException if the capacity was already set
   */
  public WorkerPoolBuilder queueCapacity(int capacity) {
    Checks.notSet(queueCapacity != -1, "queue capacity", queueCapacity);
    this.queueCapacity = Checks.positive(capacity, "queue capacity");
    return this;
  }

  /**
   * Builds the pool and starts its workers.
   *
   * @return a new, running pool
   */
  public WorkerPool build() {
    int workers = size != -1 ? size : Runtime.getRuntime().availableProcessors();
    int capacity = queueCapacity != -1 ? queueCapacity : (int) Math.min(2L * workers, 1 << 30);
    String poolName = name.isEmpty() ? "worker-pool-" + UNNAMED.incrementAndGet() : name;
    return new WorkerPool(poolName, workers, capacity);
  }
}
