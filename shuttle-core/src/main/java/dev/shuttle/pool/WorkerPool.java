package dev.shuttle.pool;

import dev.shuttle.internal.Checks;
import dev.shuttle.telemetry.PoolAttributes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fixed worker pool (Go's worker pool pattern): {@code size} worker virtual threads take jobs
 * from a bounded FIFO queue; {@code submit} waits while the queue is full, {@code trySubmit} does
 * not. Results come back as futures, or also on a {@link dev.shuttle.channel.Channel}.
 *
 * {@snippet :
 * try (WorkerPool pool = WorkerPool.builder().name("resize").size(4).queueCapacity(8).build()) {
 *   List<CompletableFuture<Image>> thumbs = new ArrayList<>();
 *   for (Image image : images) {
 *     thumbs.add(pool.submit(() -> resize(image))); // span "process-job", child of the caller's
 *   }
 *   thumbs.forEach(f -> show(f.join()));
 * } // stop, run every accepted job, wait for the workers
 * }
 *
 * <p>Every job runs in one span whose parent is the context captured at submission: {@code
 * process-job}, or the name and attributes the submitter gave to a {@code submit} that takes a span
 * name — with the pool's {@code worker_pool.name}, {@code job.id}, {@code worker.id} and the time
 * it waited in the queue added; the pool records the metrics in {@link
 * dev.shuttle.telemetry.PoolMetricNames} under its name. See {@link AbstractWorkerPool} for the
 * life cycle ({@code stop}, {@code stopNow}, {@code close}).
 *
 * <p>Thread-safe: any thread may submit, stop or wait.
 */
public final class WorkerPool extends AbstractWorkerPool {
  private static final AtomicLong UNNAMED = new AtomicLong();

  private WorkerPool(String name, int size, int capacity) {
    super(name, PoolAttributes.TYPE_FIXED, size, size, capacity, 0, Duration.ZERO);
  }

  /** Returns a builder; every setting is optional. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a pool of {@code size} workers with a queue of {@code 2 × size} jobs and a generated
   * name.
   *
   * @throws IllegalArgumentException if {@code size} is less than 1
   */
  public static WorkerPool create(int size) {
    return builder().size(size).build();
  }

  /** Returns the number of workers. */
  public int size() {
    return currentMax();
  }

  /**
   * Configures a {@link WorkerPool}; each setting is validated when it is set, and may be set once.
   * Not thread-safe.
   */
  public static final class Builder {
    private String name = "";
    private int size = -1;
    private int queueCapacity = -1;

    private Builder() {}

    /**
     * Sets the pool's name, the {@code worker_pool.name} attribute that tells pools apart on
     * metrics; default {@code worker-pool-<n>}. Keep it low-cardinality: one name per pool in the
     * code, not per request.
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
     * Sets the number of workers; default {@link Runtime#availableProcessors()}.
     *
     * @throws IllegalArgumentException if {@code size} is less than 1
     * @throws IllegalStateException if the size was already set
     */
    public Builder size(int size) {
      Checks.notSet(this.size != -1, "size", this.size);
      this.size = Checks.positive(size, "size");
      return this;
    }

    /**
     * Sets how many accepted jobs may wait for a worker; default twice the size.
     *
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     * @throws IllegalStateException if the capacity was already set
     */
    public Builder queueCapacity(int capacity) {
      Checks.notSet(queueCapacity != -1, "queue capacity", queueCapacity);
      this.queueCapacity = Checks.positive(capacity, "queue capacity");
      return this;
    }

    /** Builds the pool and starts its workers. */
    public WorkerPool build() {
      int workers = size != -1 ? size : Runtime.getRuntime().availableProcessors();
      int capacity = queueCapacity != -1 ? queueCapacity : (int) Math.min(2L * workers, 1 << 30);
      String poolName = name.isEmpty() ? "worker-pool-" + UNNAMED.incrementAndGet() : name;
      return new WorkerPool(poolName, workers, capacity);
    }
  }
}
