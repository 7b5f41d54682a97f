package dev.shuttle.nats;

import static dev.shuttle.telemetry.PoolAttributes.JOB_OUTCOME;
import static dev.shuttle.telemetry.PoolAttributes.POOL_NAME;
import static dev.shuttle.telemetry.PoolAttributes.POOL_TYPE;

import dev.shuttle.telemetry.PoolAttributes;
import dev.shuttle.telemetry.PoolMetricNames;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.context.Context;
import java.util.List;

/**
 * The instruments of one {@link NatsWorkerPool}'s workers, named as the in-process pools' ({@link
 * PoolMetricNames}), with {@code worker_pool.name} and {@code worker_pool.type} = {@value
 * PoolAttributes#TYPE_NATS} on every point. Every method swallows telemetry failures: a broken SDK
 * must not break a job.
 *
 * <p>Implementation note: the instruments are built per meter and published through the volatile
 * {@code cached} pair; a caller that finds another meter (Shuttle switched OpenTelemetry) builds a
 * new pair, and concurrent rebuilds are equivalent (the SDK shares instruments by name), so the
 * last write wins harmlessly. The attribute sets are immutable, built once.
 */
final class NatsPoolMetrics {
  /** Bucket boundaries in seconds, from 1 ms to 5 minutes: jobs sent across processes. */
  private static final List<Double> SECONDS_BUCKETS =
      List.of(
          0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
          300.0);

  private static final double NANOS_PER_SECOND = 1e9;

  /** How a job that ran ended, for {@link #finished}. */
  enum Outcome {
    SUCCESS,
    FAILURE,
    CANCELED
  }

  private final Attributes pool;
  private final Attributes success;
  private final Attributes failure;
  private final Attributes canceled;
  private volatile Cached cached;

  NatsPoolMetrics(String name) {
    pool = Attributes.of(POOL_NAME, name, POOL_TYPE, PoolAttributes.TYPE_NATS);
    success = pool.toBuilder().put(JOB_OUTCOME, PoolAttributes.OUTCOME_SUCCESS).build();
    failure = pool.toBuilder().put(JOB_OUTCOME, PoolAttributes.OUTCOME_FAILURE).build();
    canceled = pool.toBuilder().put(JOB_OUTCOME, PoolAttributes.OUTCOME_CANCELED).build();
    Meter meter = ShuttleTelemetry.meter();
    cached = new Cached(meter, new Instruments(meter));
  }

  /** {@code delta} workers (slots) started ({@code > 0}) or stopped ({@code < 0}). */
  void workers(int delta) {
    try {
      instruments().workers.add(delta, pool);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  /** A job was delivered; {@code attempt} is its delivery count. */
  void delivered(long attempt) {
    if (attempt <= 1) {
      return;
    }
    try {
      instruments().redelivered.add(1, pool);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  /** A job started after waiting {@code waitNanos} since the stream stored it. */
  void started(long waitNanos, Context job) {
    try {
      Instruments instruments = instruments();
      instruments.active.add(1, pool, job);
      instruments.queueWait.record(Math.max(0, waitNanos) / NANOS_PER_SECOND, pool, job);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  /** A job that {@link #started} ended with {@code outcome} after running {@code runNanos}. */
  void finished(Outcome outcome, long runNanos, Context job) {
    Attributes attributes =
        switch (outcome) {
          case SUCCESS -> success;
          case FAILURE -> failure;
          case CANCELED -> canceled;
        };
    try {
      Instruments instruments = instruments();
      instruments.active.add(-1, pool, job);
      instruments.duration.record(runNanos / NANOS_PER_SECOND, attributes, job);
      instruments.processed.add(1, attributes, job);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  /** A job was moved to the dead-letter subject. */
  void deadLettered() {
    try {
      instruments().deadLettered.add(1, pool);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  /** A job was not started: its deadline had passed or its submitter had cancelled it. */
  void expired() {
    try {
      instruments().expired.add(1, pool);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  private Instruments instruments() {
    Meter meter = ShuttleTelemetry.meter();
    Cached current = cached;
    if (!current.meter.equals(meter)) {
      current = new Cached(meter, new Instruments(meter));
      cached = current;
    }
    return current.instruments;
  }

  private record Cached(Meter meter, Instruments instruments) {}

  private static final class Instruments {
    final LongUpDownCounter workers;
    final LongUpDownCounter active;
    final LongCounter processed;
    final DoubleHistogram duration;
    final DoubleHistogram queueWait;
    final LongCounter redelivered;
    final LongCounter deadLettered;
    final LongCounter expired;

    Instruments(Meter meter) {
      workers =
          meter
              .upDownCounterBuilder(PoolMetricNames.WORKERS)
              .setUnit("{worker}")
              .setDescription("Workers alive, busy or idle: the pool size.")
              .build();
      active =
          meter
              .upDownCounterBuilder(PoolMetricNames.ACTIVE_WORKERS)
              .setUnit("{worker}")
              .setDescription("Workers running a job now.")
              .build();
      processed =
          meter
              .counterBuilder(PoolMetricNames.JOBS_PROCESSED)
              .setUnit("{job}")
              .setDescription("Jobs that ran, by outcome.")
              .build();
      duration =
          meter
              .histogramBuilder(PoolMetricNames.JOB_DURATION)
              .setUnit("s")
              .setDescription("How long jobs ran.")
              .setExplicitBucketBoundariesAdvice(SECONDS_BUCKETS)
              .build();
      queueWait =
          meter
              .histogramBuilder(PoolMetricNames.QUEUE_WAIT_DURATION)
              .setUnit("s")
              .setDescription("How long jobs waited between acceptance and start.")
              .setExplicitBucketBoundariesAdvice(SECONDS_BUCKETS)
              .build();
      redelivered =
          meter
              .counterBuilder(PoolMetricNames.JOBS_REDELIVERED)
              .setUnit("{job}")
              .setDescription("Jobs delivered again after a failed attempt or a lost worker.")
              .build();
      deadLettered =
          meter
              .counterBuilder(PoolMetricNames.JOBS_DEAD_LETTERED)
              .setUnit("{job}")
              .setDescription("Jobs moved to the dead-letter subject.")
              .build();
      expired =
          meter
              .counterBuilder(PoolMetricNames.JOBS_EXPIRED)
              .setUnit("{job}")
              .setDescription("Jobs not started: deadline passed or submitter cancelled.")
              .build();
    }
  }
}
