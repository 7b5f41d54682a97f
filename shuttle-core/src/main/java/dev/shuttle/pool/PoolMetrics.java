package dev.shuttle.pool;

import static dev.shuttle.telemetry.PoolAttributes.JOB_OUTCOME;
import static dev.shuttle.telemetry.PoolAttributes.POOL_NAME;
import static dev.shuttle.telemetry.PoolAttributes.POOL_TYPE;
import static dev.shuttle.telemetry.PoolAttributes.REJECTION_REASON;

import dev.shuttle.internal.PerOpenTelemetry;
import dev.shuttle.telemetry.PoolAttributes;
import dev.shuttle.telemetry.PoolMetricNames;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The instruments of one pool: shared instruments (created once per OpenTelemetry instance) and
 * this pool's attribute sets, built once at construction so that the hot path allocates nothing.
 * Every method swallows telemetry failures: a broken SDK must not break a job.
 *
 * <p>The queue size and the active workers are observed, not counted: callbacks read the pool's
 * state when a reader collects, so a job costs no instrument call for them (four up-down counter
 * adds per job were a third of a tiny job's time, contended between the submitter and the workers).
 * Busy workers are counted in a {@link LongAdder}.
 *
 * <p>Implementation note: {@code observed} holds the callbacks' registration with the meter they
 * were registered on; {@link #started} compares it with the current meter (two volatile reads) and
 * re-registers under {@code observeLock} when {@link dev.shuttle.telemetry.ShuttleTelemetry}
 * switched to another OpenTelemetry, so exactly one registration is live at a time. After {@link
 * #terminated} sets {@code closed}, nothing registers again, and each gauge unregisters itself
 * after the next collection has reported its final zero. Everything else is immutable or
 * thread-safe.
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

  private static final String ACTIVE_DESCRIPTION = "Workers running a job now.";
  private static final String QUEUE_SIZE_DESCRIPTION = "Jobs accepted and not yet started.";

  private final Attributes pool;
  private final Attributes success;
  private final Attributes failure;
  private final Attributes canceled;
  private final Attributes rejectedQueueFull;
  private final Attributes rejectedStopped;
  private final Attributes rejectedContextDone;

  private final @Nullable LongSupplier queued;
  private final LongAdder running = new LongAdder();
  private final ReentrantLock observeLock = new ReentrantLock();
  private volatile @Nullable Observed observed;
  private volatile boolean closed;

  /**
   * Creates the metrics of a pool named {@code name} of {@code type}, observing its queue size with
   * {@code queued} ({@code null} for a pool without a queue).
   */
  PoolMetrics(String name, String type, @Nullable LongSupplier queued) {
    this.queued = queued;
    pool = Attributes.of(POOL_NAME, name, POOL_TYPE, type);
    success = outcome(PoolAttributes.OUTCOME_SUCCESS);
    failure = outcome(PoolAttributes.OUTCOME_FAILURE);
    canceled = outcome(PoolAttributes.OUTCOME_CANCELED);
    rejectedQueueFull = rejection(PoolAttributes.REJECTED_QUEUE_FULL);
    rejectedStopped = rejection(PoolAttributes.REJECTED_STOPPED);
    rejectedContextDone = rejection(PoolAttributes.REJECTED_CONTEXT_DONE);
    observe();
  }

  /** The gauges registered on {@code meter}. */
  private record Observed(Meter meter, Gauge active, @Nullable Gauge queueSize) {
    void close() {
      active.close();
      if (queueSize != null) {
        queueSize.close();
      }
    }
  }

  /**
   * One observed instrument of this pool. Once the pool has terminated, the next collection reports
   * the gauge's last value (zero: no job runs or waits any more) and unregisters it, so the series
   * ends at zero instead of vanishing, and nothing is kept for a pool that is gone.
   */
  private final class Gauge implements Consumer<ObservableLongMeasurement> {
    private final LongSupplier value;
    private volatile @Nullable AutoCloseable registration;

    Gauge(LongSupplier value) {
      this.value = value;
    }

    Gauge register(Meter meter, String name, String unit, String description) {
      registration =
          meter
              .upDownCounterBuilder(name)
              .setUnit(unit)
              .setDescription(description)
              .buildWithCallback(this);
      return this;
    }

    @Override
    public void accept(ObservableLongMeasurement measurement) {
      measurement.record(value.getAsLong(), pool);
      if (closed) {
        close(); // the SDK collects over a copy of its callbacks: removing ours here is safe
      }
    }

    void close() {
      AutoCloseable current = registration;
      if (current == null) {
        return;
      }
      registration = null;
      try {
        current.close();
      } catch (Exception telemetryFailure) {
        // telemetry never breaks the pool
      }
    }
  }

  /** Registers the gauges on the current meter, unless they already are or the pool ended. */
  private void observe() {
    Meter meter = ShuttleTelemetry.meter();
    Observed current = observed;
    if (current != null && current.meter.equals(meter)) {
      return;
    }
    observeLock.lock();
    try {
      current = observed;
      if (closed || (current != null && current.meter.equals(meter))) {
        return;
      }
      if (current != null) {
        current.close();
      }
      observed = register(meter);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    } finally {
      observeLock.unlock();
    }
  }

  private Observed register(Meter meter) {
    Gauge active =
        new Gauge(running::sum)
            .register(meter, PoolMetricNames.ACTIVE_WORKERS, "{worker}", ACTIVE_DESCRIPTION);
    LongSupplier queueSize = queued;
    Gauge queue =
        queueSize == null
            ? null
            : new Gauge(queueSize)
                .register(meter, PoolMetricNames.QUEUE_SIZE, "{job}", QUEUE_SIZE_DESCRIPTION);
    return new Observed(meter, active, queue);
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

  /** The pool terminated: its capacity no longer counts; its gauges end at the next collection. */
  void terminated(int capacity) {
    observeLock.lock();
    try {
      closed = true; // the gauges report zero once more, then unregister themselves
    } finally {
      observeLock.unlock();
    }
    try {
      INSTRUMENTS.get().queueCapacity.add(-capacity, pool);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  /** A worker took a job (off the queue, or with a permit) after it waited {@code waitNanos}. */
  void started(long waitNanos, Context jobContext) {
    running.increment();
    observe();
    try {
      INSTRUMENTS.get().queueWait.record(waitNanos / NANOS_PER_SECOND, pool, jobContext);
    } catch (RuntimeException telemetryFailure) {
      // telemetry never breaks the pool
    }
  }

  /** A job that {@link #started} ended with {@code outcome} after running {@code runNanos}. */
  void finished(Outcome outcome, long runNanos, Context jobContext) {
    running.decrement();
    try {
      Instruments instruments = INSTRUMENTS.get();
      Attributes attributes =
          switch (outcome) {
            case SUCCESS -> success;
            case FAILURE -> failure;
            case CANCELED -> canceled;
          };
      instruments.duration.record(runNanos / NANOS_PER_SECOND, attributes, jobContext);
      instruments.processed.add(1, attributes, jobContext);
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
    final LongUpDownCounter workers;
    final LongCounter processed;
    final LongCounter rejected;
    final DoubleHistogram duration;
    final LongUpDownCounter queueCapacity;
    final DoubleHistogram queueWait;

    Instruments(Meter meter) {
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
