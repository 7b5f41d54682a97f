package dev.shuttle.pool;

import static dev.shuttle.telemetry.PoolAttributes.JOB_OUTCOME;
import static dev.shuttle.telemetry.PoolAttributes.POOL_NAME;
import static dev.shuttle.telemetry.PoolAttributes.POOL_TYPE;
import static dev.shuttle.telemetry.PoolAttributes.REJECTION_REASON;

import dev.shuttle.internal.PerOpenTelemetry;
import dev.shuttle.telemetry.PoolAttributes;
import dev.shuttle.telemetry.PoolMetricNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/**
 * The instruments of one pool: shared instruments (created once per OpenTelemetry instance) and
 * this pool's attribute sets, built once at construction so that the hot path allocates nothing.
 * Every method swallows telemetry failures: a broken SDK must not break a job. Thread-safe
 * (immutable; the instruments are thread-safe).
 */
final class PoolMetrics {
  /** Bucket boundaries in seconds: from 50 µs (tiny jobs) to 10 s. */
  private static final List<Double> SECONDS_BUCKETS =
      List.of(
          0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
          1.0, 2.5, 5.0, 10.0);

  private static final PerOpenTelemetry<Instruments> INSTRUMENTS =
      new PerOpenTelemetry<>(Instruments::new);

  private static final double NANOS_PER_SECOND = 1e9;

  private final Attributes pool;
  private final Attributes success;
  private final Attributes failure;
  private final Attributes canceled;
  private final Attributes rejectedQueueFull;
  private final Attributes rejectedStopped;
  private final Attributes rejectedContextDone;

  PoolMetrics(String name, String type) {
    pool = Attributes.of(POOL_NAME, name, POOL_TYPE, type);
    success = outcome(PoolAttributes.OUTCOME_SUCCESS);
    failure = outcome(PoolAttributes.OUTCOME_FAILURE);
    canceled = outcome(PoolAttributes.OUTCOME_CANCELED);
    rejectedQueueFull = rejection(PoolAttributes.REJECTED_QUEUE_FULL);
    rejectedStopped = rejection(PoolAttributes.REJECTED_STOPPED);
    rejectedContextDone = rejection(PoolAttributes.REJECTED_CONTEXT_DONE);
  }

  private Attributes outcome(String value) {
    return pool.toBuilder().put(JOB_OUTCOME, value).build();
  }

  private Attributes rejection(String value) {
    return pool.toBuilder().put(REJECTION_REASON, value).build();
  }

  /** How a job ended, for {@link #finished}. */
  enum Outcome {
    SUCCESS,
    FAILURE,
    CANCELED
  }

  /** Why a submission was refused, for {@link #rejected}. */
  enum Rejection {
    QUEUE_FULL,
    STOPPED,
    CONTEXT_DONE
  }

  /** The pool opened with {@code capacity} queue slots (0 for a pool without a queue). */
  void opened(int capacity) {
    try {
      INSTRUMENTS.get().queueCapacity.add(capacity, pool);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  /** The pool terminated; its capacity no longer counts. */
  void terminated(int capacity) {
    try {
      INSTRUMENTS.get().queueCapacity.add(-capacity, pool);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  /** A job is about to enter the queue (taken back with {@link #discarded} if refused). */
  void enqueued() {
    queueSize(1);
  }

  /** {@code count} jobs left the queue without running (stopNow), or were refused. */
  void discarded(int count) {
    queueSize(-count);
  }

  private void queueSize(long delta) {
    try {
      INSTRUMENTS.get().queueSize.add(delta, pool);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  /** A worker took a job off the queue after it waited {@code waitNanos}, and starts it. */
  void started(long waitNanos, boolean fromQueue) {
    try {
      Instruments instruments = INSTRUMENTS.get();
      if (fromQueue) {
        instruments.queueSize.add(-1, pool);
      }
      instruments.queueWait.record(waitNanos / NANOS_PER_SECOND, pool);
      instruments.active.add(1, pool);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  /** A job that {@link #started} ended with {@code outcome} after running {@code runNanos}. */
  void finished(Outcome outcome, long runNanos) {
    try {
      Instruments instruments = INSTRUMENTS.get();
      Attributes attributes =
          switch (outcome) {
            case SUCCESS -> success;
            case FAILURE -> failure;
            case CANCELED -> canceled;
          };
      instruments.active.add(-1, pool);
      instruments.duration.record(runNanos / NANOS_PER_SECOND, attributes);
      instruments.processed.add(1, attributes);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  /** A submission was refused. */
  void rejected(Rejection rejection) {
    try {
      Attributes attributes =
          switch (rejection) {
            case QUEUE_FULL -> rejectedQueueFull;
            case STOPPED -> rejectedStopped;
            case CONTEXT_DONE -> rejectedContextDone;
          };
      INSTRUMENTS.get().rejected.add(1, attributes);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  /** A worker started ({@code +1}) or stopped ({@code -1}). */
  void workers(int delta) {
    try {
      INSTRUMENTS.get().workers.add(delta, pool);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  private static final class Instruments {
    final LongUpDownCounter active;
    final LongUpDownCounter workers;
    final LongCounter processed;
    final LongCounter rejected;
    final DoubleHistogram duration;
    final LongUpDownCounter queueSize;
    final LongUpDownCounter queueCapacity;
    final DoubleHistogram queueWait;

    Instruments(Meter meter) {
      active =
          meter
              .upDownCounterBuilder(PoolMetricNames.ACTIVE_WORKERS)
              .setUnit("{worker}")
              .setDescription("Workers running a job now.")
              .build();
      workers =
          meter
              .upDownCounterBuilder(PoolMetricNames.WORKERS)
              .setUnit("{worker}")
              .setDescription("Workers alive, busy or idle: the pool size.")
              .build();
      processed =
          meter
              .counterBuilder(PoolMetricNames.JOBS_PROCESSED)
              .setUnit("{job}")
              .setDescription("Jobs that ran, by outcome.")
              .build();
      rejected =
          meter
              .counterBuilder(PoolMetricNames.JOBS_REJECTED)
              .setUnit("{job}")
              .setDescription("Submissions refused, by reason.")
              .build();
      duration =
          meter
              .histogramBuilder(PoolMetricNames.JOB_DURATION)
              .setUnit("s")
              .setDescription("How long jobs ran.")
              .setExplicitBucketBoundariesAdvice(SECONDS_BUCKETS)
              .build();
      queueSize =
          meter
              .upDownCounterBuilder(PoolMetricNames.QUEUE_SIZE)
              .setUnit("{job}")
              .setDescription("Jobs accepted and not yet started.")
              .build();
      queueCapacity =
          meter
              .upDownCounterBuilder(PoolMetricNames.QUEUE_CAPACITY)
              .setUnit("{job}")
              .setDescription("Queue capacity of the running pools.")
              .build();
      queueWait =
          meter
              .histogramBuilder(PoolMetricNames.QUEUE_WAIT_DURATION)
              .setUnit("s")
              .setDescription("How long jobs waited between acceptance and start.")
              .setExplicitBucketBoundariesAdvice(SECONDS_BUCKETS)
              .build();
    }
  }
}
