package dev.shuttle.telemetry;

/**
 * The names of the worker-pool instruments, under the {@code dev.shuttle} meter. Every point
 * carries {@link PoolAttributes#POOL_NAME} and {@link PoolAttributes#POOL_TYPE}; none carries a
 * worker id (unbounded cardinality). See {@code docs/metrics.md} for how they map to Micrometer's
 * {@code executor.*} and the proposed {@code jvm.executor.*} conventions.
 */
public final class PoolMetricNames {
  /** UpDownCounter of workers running a job now, {@code {worker}}. */
  public static final String ACTIVE_WORKERS = "worker_pool.active_workers";

  /** UpDownCounter of workers alive (busy or idle): the pool size, {@code {worker}}. */
  public static final String WORKERS = "worker_pool.workers";

  /**
   * Counter of jobs that ran, {@code {job}}, with {@link PoolAttributes#JOB_OUTCOME} (the common
   * name, with the outcome added).
   */
  public static final String JOBS_PROCESSED = "worker_pool.jobs_processed";

  /**
   * Counter of submissions refused, {@code {job}}, with {@link PoolAttributes#REJECTION_REASON}.
   */
  public static final String JOBS_REJECTED = "worker_pool.jobs_rejected";

  /**
   * Histogram of how long jobs ran, in seconds as OTel semantic conventions require (not
   * milliseconds), with {@link PoolAttributes#JOB_OUTCOME}.
   */
  public static final String JOB_DURATION = "worker_pool.job_duration";

  /** UpDownCounter of jobs accepted and not yet started, {@code {job}}. */
  public static final String QUEUE_SIZE = "worker_pool.queue.size";

  /** UpDownCounter of the queue capacity of running pools, {@code {job}}. */
  public static final String QUEUE_CAPACITY = "worker_pool.queue.capacity";

  /**
   * Histogram of how long jobs waited between acceptance and start, in seconds (bounded pool: how
   * long the submitter waited for a permit).
   */
  public static final String QUEUE_WAIT_DURATION = "worker_pool.queue.wait_duration";

  /**
   * Counter of jobs delivered again after a failed attempt or a worker that died holding them,
   * {@code {job}} (pools on NATS JetStream).
   */
  public static final String JOBS_REDELIVERED = "worker_pool.jobs_redelivered";

  /**
   * Counter of jobs moved to the dead-letter subject, having failed on every allowed attempt or
   * being unreadable, {@code {job}} (pools on NATS JetStream).
   */
  public static final String JOBS_DEAD_LETTERED = "worker_pool.jobs_dead_lettered";

  /**
   * Counter of jobs not started because the submitter's deadline had passed or its context was
   * cancelled before a worker took them, {@code {job}} (pools on NATS JetStream).
   */
  public static final String JOBS_EXPIRED = "worker_pool.jobs_expired";

  private PoolMetricNames() {}
}
