package dev.shuttle.bench;

import dev.shuttle.pool.WorkerPool;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tiny-job throughput of a fixed pool of 2 workers with a queue of 4 (the default, 2 × workers) or
 * 1024, one submitter blocking while the queue is full, every job submitted under an unsampled
 * trace. Score per job.
 *
 * <ul>
 *   <li>{@code shuttle}: {@link WorkerPool} with metrics and tracing on (SDK meter with a reader,
 *       SDK tracer; the jobs' spans are unsampled).
 *   <li>{@code shuttle-no-sdk}: the same pool with OpenTelemetry's no-op API.
 *   <li>{@code tpe-instrumented}: {@link ThreadPoolExecutor} (platform threads, bounded queue, a
 *       rejection handler that blocks as {@code submit} does) wrapped with {@link
 *       Context#taskWrapping}, recording the same metrics by hand with the same SDK: queue size,
 *       queue wait, active workers, job duration and jobs processed by outcome.
 *   <li>{@code virtual-per-task}: {@link Executors#newVirtualThreadPerTaskExecutor()}, no metrics,
 *       no limit: a thread per job.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class WorkerPoolBenchmark {
  private static final int JOBS = 10_000;
  private static final int WORKERS = 2;
  private static final AttributeKey<String> POOL = AttributeKey.stringKey("worker_pool.name");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("job.outcome");

  @Param({"shuttle", "shuttle-no-sdk", "tpe-instrumented", "virtual-per-task"})
  public String impl = "shuttle";

  /**
   * Queue capacity: 4 is the pools' default (2 × workers); 1024 shows the cost without handoffs.
   */
  @Param({"4", "1024"})
  public int queue = 4;

  private @Nullable OpenTelemetrySdk sdk;
  private @Nullable WorkerPool pool;
  private @Nullable ExecutorService executor;
  private @Nullable HandInstrumented instruments;
  private Context unsampled = Context.root();
  private volatile CountDownLatch done = new CountDownLatch(0);
  private final Callable<Object> job =
      () -> {
        done.countDown();
        return this;
      };

  @Setup(Level.Trial)
  public void setUp() {
    unsampled = Unsampled.context();
    OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().build())
            .setMeterProvider(
                SdkMeterProvider.builder().registerMetricReader(new HoldingMetricReader()).build())
            .build();
    sdk = otel;
    switch (impl) {
      case "shuttle" -> {
        ShuttleTelemetry.use(otel);
        pool = WorkerPool.builder().name("bench").size(WORKERS).queueCapacity(queue).build();
      }
      case "shuttle-no-sdk" -> {
        ShuttleTelemetry.use(OpenTelemetry.noop());
        pool = WorkerPool.builder().name("bench").size(WORKERS).queueCapacity(queue).build();
      }
      case "tpe-instrumented" -> {
        instruments = new HandInstrumented(otel.getMeter("bench"));
        ThreadPoolExecutor tpe =
            new ThreadPoolExecutor(
                WORKERS,
                WORKERS,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queue),
                (task, self) -> {
                  try {
                    self.getQueue().put(task); // block as WorkerPool.submit does
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
        tpe.prestartAllCoreThreads();
        executor = Context.taskWrapping(tpe);
      }
      case "virtual-per-task" -> executor = Executors.newVirtualThreadPerTaskExecutor();
      default -> throw new IllegalArgumentException(impl);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (pool != null) {
      pool.close();
    }
    if (executor != null) {
      executor.close();
    }
    if (sdk != null) {
      sdk.close();
    }
    ShuttleTelemetry.useGlobal();
  }

  @Benchmark
  @OperationsPerInvocation(JOBS)
  public void tinyJobs() throws Exception {
    CountDownLatch latch = new CountDownLatch(JOBS);
    done = latch;
    WorkerPool shuttle = pool;
    if (shuttle != null) {
      for (int i = 0; i < JOBS; i++) {
        shuttle.submit(unsampled, job);
      }
    } else {
      ExecutorService service = java.util.Objects.requireNonNull(executor);
      HandInstrumented hand = instruments;
      try (io.opentelemetry.context.Scope ignored = unsampled.makeCurrent()) {
        for (int i = 0; i < JOBS; i++) {
          service.submit(hand != null ? hand.wrap(job) : job);
        }
      }
    }
    latch.await();
  }

  /** The metrics Shuttle's pool records, recorded by hand around each job. */
  static final class HandInstrumented {
    final LongUpDownCounter queueSize;
    final DoubleHistogram queueWait;
    final LongUpDownCounter active;
    final DoubleHistogram duration;
    final LongCounter processed;
    final Attributes pool = Attributes.of(POOL, "bench");
    final Attributes success = Attributes.of(POOL, "bench", OUTCOME, "success");
    final Attributes failure = Attributes.of(POOL, "bench", OUTCOME, "failure");

    HandInstrumented(Meter meter) {
      queueSize = meter.upDownCounterBuilder("tpe.queue.size").build();
      queueWait = meter.histogramBuilder("tpe.queue.wait_duration").setUnit("s").build();
      active = meter.upDownCounterBuilder("tpe.active_workers").build();
      duration = meter.histogramBuilder("tpe.job_duration").setUnit("s").build();
      processed = meter.counterBuilder("tpe.jobs_processed").build();
    }

    Callable<Object> wrap(Callable<Object> job) {
      long enqueued = System.nanoTime();
      queueSize.add(1, pool);
      return () -> {
        long started = System.nanoTime();
        queueSize.add(-1, pool);
        queueWait.record((started - enqueued) / 1e9, pool);
        active.add(1, pool);
        Attributes outcome = success;
        try {
          return job.call();
        } catch (Exception e) {
          outcome = failure;
          throw e;
        } finally {
          active.add(-1, pool);
          duration.record((System.nanoTime() - started) / 1e9, outcome);
          processed.add(1, outcome);
        }
      };
    }
  }
}
