package dev.shuttle.telemetry;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Span names, attribute keys and attribute values of worker pools and bounded pools: the common
 * keys ({@code job.id}, {@code task.id}, {@code worker.id}, {@code pool.size}) on spans, and
 * low-cardinality keys only on metrics.
 */
public final class PoolAttributes {
  /**
   * Span name of one job run by a worker pool, when its submitter gives none: {@code process-job}.
   */
  public static final String SPAN_PROCESS_JOB = "process-job";

  /**
   * Span name of one task run by a bounded pool, when its submitter gives none: {@code pool-task}.
   */
  public static final String SPAN_POOL_TASK = "pool-task";

  /**
   * {@code worker_pool.name}: the pool's name, on spans and on every pool metric; tells pools
   * apart.
   */
  public static final AttributeKey<String> POOL_NAME = stringKey("worker_pool.name");

  /**
   * {@code worker_pool.type}: {@link #TYPE_FIXED}, {@link #TYPE_DYNAMIC} or {@link #TYPE_BOUNDED},
   * on every pool metric.
   */
  public static final AttributeKey<String> POOL_TYPE = stringKey("worker_pool.type");

  /** Value of {@link #POOL_TYPE} for a fixed worker pool. */
  public static final String TYPE_FIXED = "fixed";

  /** Value of {@link #POOL_TYPE} for a dynamic worker pool. */
  public static final String TYPE_DYNAMIC = "dynamic";

  /** Value of {@link #POOL_TYPE} for a bounded pool. */
  public static final String TYPE_BOUNDED = "bounded";

  /** Value of {@link #POOL_TYPE} for a worker pool on NATS JetStream ({@code shuttle-nats}). */
  public static final String TYPE_NATS = "nats";

  /**
   * {@code job.attempt}: which delivery of a job this run is, from 1 (a pool on NATS JetStream
   * redelivers a job that failed or whose worker died); spans only.
   */
  public static final AttributeKey<Long> JOB_ATTEMPT = longKey("job.attempt");

  /**
   * {@code job.id}: the pool-assigned number of a job, unique within its pool; spans only, and not
   * when the submitter gave a {@code job.id} of its own.
   */
  public static final AttributeKey<Long> JOB_ID = longKey("job.id");

  /**
   * {@code task.id}: the pool-assigned number of a bounded-pool task; spans only, and not when the
   * submitter gave a {@code task.id} of its own.
   */
  public static final AttributeKey<Long> TASK_ID = longKey("task.id");

  /** {@code worker.id}: the worker that ran a job; spans only, never on metrics. */
  public static final AttributeKey<Long> WORKER_ID = longKey("worker.id");

  /** {@code pool.size}: a bounded pool's concurrency limit; spans only. */
  public static final AttributeKey<Long> POOL_SIZE = longKey("pool.size");

  /**
   * {@code job.queue_wait_ns}: nanoseconds the job waited in the queue (bounded pool: for a permit)
   * before it started; spans only (the metric is {@link PoolMetricNames#QUEUE_WAIT_DURATION}).
   */
  public static final AttributeKey<Long> JOB_QUEUE_WAIT_NS = longKey("job.queue_wait_ns");

  /**
   * {@code job.outcome}: {@link #OUTCOME_SUCCESS}, {@link #OUTCOME_FAILURE} or {@link
   * #OUTCOME_CANCELED}, on {@link PoolMetricNames#JOBS_PROCESSED} and {@link
   * PoolMetricNames#JOB_DURATION}.
   */
  public static final AttributeKey<String> JOB_OUTCOME = stringKey("job.outcome");

  /** Value of {@link #JOB_OUTCOME}: the job returned normally. */
  public static final String OUTCOME_SUCCESS = "success";

  /** Value of {@link #JOB_OUTCOME}: the job threw. */
  public static final String OUTCOME_FAILURE = "failure";

  /**
   * Value of {@link #JOB_OUTCOME}: the job ended because its context was done, or its future was
   * cancelled before it started.
   */
  public static final String OUTCOME_CANCELED = "canceled";

  /**
   * {@code worker_pool.rejection.reason}: why a submission was refused, on {@link
   * PoolMetricNames#JOBS_REJECTED}: {@link #REJECTED_QUEUE_FULL}, {@link #REJECTED_STOPPED} or
   * {@link #REJECTED_CONTEXT_DONE}.
   */
  public static final AttributeKey<String> REJECTION_REASON =
      stringKey("worker_pool.rejection.reason");

  /** Value of {@link #REJECTION_REASON}: a {@code trySubmit} found the queue full. */
  public static final String REJECTED_QUEUE_FULL = "queue_full";

  /** Value of {@link #REJECTION_REASON}: the pool was stopped. */
  public static final String REJECTED_STOPPED = "stopped";

  /** Value of {@link #REJECTION_REASON}: the submitter's context was done before it got room. */
  public static final String REJECTED_CONTEXT_DONE = "context_done";

  private PoolAttributes() {}
}
