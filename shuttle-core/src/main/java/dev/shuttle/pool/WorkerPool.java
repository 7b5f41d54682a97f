package dev.shuttle.pool;

import dev.shuttle.telemetry.PoolAttributes;
import java.time.Duration;

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
 * dev.shuttle.telemetry.PoolMetricNames} under its name. The contract (outcomes, life cycle, memory
 * consistency) is {@link Pool}'s; {@link AbstractWorkerPool} says what the queue adds.
 *
 * <p>Thread-safe: any thread may submit, stop or wait.
 */
public final class WorkerPool extends AbstractWorkerPool {
  WorkerPool(String name, int size, int capacity) {
    super(name, PoolAttributes.TYPE_FIXED, size, size, capacity, 0, Duration.ZERO);
  }

  /**
   * Returns a builder; every setting is optional.
   *
   * @return a new builder with every setting unset
   */
  public static WorkerPoolBuilder builder() {
    return new WorkerPoolBuilder();
  }

  /**
   * Returns a pool of {@code size} workers with a queue of {@code 2 × size} jobs and a generated
   * name.
   *
   * @param size the number of workers
   * @return a running pool, its workers started
   * @throws IllegalArgumentException if {@code size} is less than 1
   */
  public static WorkerPool create(int size) {
    return builder().size(size).build();
  }

  /**
   * Returns the number of workers.
   *
   * @return the pool's size, as it was built with
   */
  public int size() {
    return currentMax();
  }
}
