package dev.shuttle.pool;

import dev.shuttle.internal.Checks;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Configures a {@link BoundedPool}; from {@link BoundedPool#builder()}. Each setting is optional,
 * checked when it is set, and may be set once. Not thread-safe: configure on one thread.
 */
public final class BoundedPoolBuilder {
  private static final AtomicLong UNNAMED = new AtomicLong();

  private String name = "";
  private int maxConcurrency = -1;

  BoundedPoolBuilder() {}

  /**
   * Sets the pool's name (the {@code worker_pool.name} attribute); default {@code
   * bounded-pool-<n>}.
   *
   * @param name the pool's name
   * @return this builder
   * @throws IllegalArgumentException if {@code name} is blank
   * @throws IllegalStateException if the name was already set
   */
  public BoundedPoolBuilder name(String name) {
    Checks.notSet(!this.name.isEmpty(), "name", this.name);
    this.name = Checks.name(name);
    return this;
  }

  /**
   * Sets the most jobs that may run at once; default {@link Runtime#availableProcessors()}.
   *
   * @param maxConcurrency the most jobs that may run at once
   * @return this builder
   * @throws IllegalArgumentException if {@code maxConcurrency} is less than 1
   * @throws IllegalStateException if it was already set
   */
  public BoundedPoolBuilder maxConcurrency(int maxConcurrency) {
    Checks.notSet(this.maxConcurrency != -1, "maxConcurrency", this.maxConcurrency);
    this.maxConcurrency = Checks.positive(maxConcurrency, "maxConcurrency");
    return this;
  }

  /**
   * Builds the pool; it starts no thread until a job is submitted.
   *
   * @return a new, running pool
   */
  public BoundedPool build() {
    int max = maxConcurrency != -1 ? maxConcurrency : Runtime.getRuntime().availableProcessors();
    String poolName = name.isEmpty() ? "bounded-pool-" + UNNAMED.incrementAndGet() : name;
    return new BoundedPool(poolName, max);
  }
}
