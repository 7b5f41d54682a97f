package dev.shuttle.bench;

import dev.shuttle.metrics.ConcurrentMetrics;
import dev.shuttle.metrics.RequestStats;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one metric recording: a bare OpenTelemetry SDK {@code Counter.add} (without
 * attributes, with attributes built once as Shuttle's pools do, with attributes built per call as
 * the guide does) against Shuttle's {@link ConcurrentMetrics} (a {@code LongAdder} that the SDK
 * observes) and {@link RequestStats#record}. Run with {@code -t 1} and {@code -t 2} for contention.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MetricRecordingBenchmark {
  private static final AttributeKey<String> POOL = AttributeKey.stringKey("worker_pool.name");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("job.outcome");

  private SdkMeterProvider provider = SdkMeterProvider.builder().build();
  private LongCounter counter = provider.get("bench").counterBuilder("unused").build();
  private ConcurrentMetrics concurrent = ConcurrentMetrics.create(provider.get("bench"), "unused");
  private final RequestStats stats = RequestStats.create();
  private final Attributes prebuilt = Attributes.of(POOL, "bench", OUTCOME, "success");
  private final Duration latency = Duration.ofNanos(1234);

  /** A parameter, so that the JIT cannot fold the per-call attributes into a constant. */
  @Param("bench")
  public String poolName = "bench";

  @Setup(Level.Trial)
  public void setUp() {
    provider = SdkMeterProvider.builder().registerMetricReader(new HoldingMetricReader()).build();
    Meter meter = provider.get("bench");
    counter = meter.counterBuilder("bench.counter").build();
    concurrent = ConcurrentMetrics.create(meter, "bench.concurrent");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    concurrent.close();
    provider.close();
  }

  @Benchmark
  public void otelCounterAdd() {
    counter.add(1);
  }

  @Benchmark
  public void otelCounterAddPrebuiltAttributes() {
    counter.add(1, prebuilt); // what WorkerPool records per job, per instrument
  }

  @Benchmark
  public void otelCounterAddAttributesBuiltPerCall() {
    counter.add(1, Attributes.of(POOL, poolName, OUTCOME, "success")); // the guide's way
  }

  @Benchmark
  public void shuttleConcurrentMetricsIncrement() {
    concurrent.incrementRequest();
  }

  @Benchmark
  public void shuttleConcurrentMetricsIncrementWithAttributes() {
    concurrent.incrementRequest(prebuilt);
  }

  @Benchmark
  public void shuttleRequestStatsRecord() {
    stats.record(latency, true);
  }
}
