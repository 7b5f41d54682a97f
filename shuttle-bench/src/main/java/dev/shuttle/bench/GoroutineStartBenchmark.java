package dev.shuttle.bench;

import dev.shuttle.sync.WaitGroup;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.concurrent.CountDownLatch;
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
 * Starting and joining goroutines, as Go code does it: one virtual thread starts {@value #BATCH}
 * goroutines with {@code WaitGroup.go} and waits for them; against the same number of raw virtual
 * threads counted down on a {@link CountDownLatch}. Nanoseconds per goroutine.
 *
 * <p>The benchmark thread itself is virtual ({@code -Djmh.executor=VIRTUAL}, set by the fork), so
 * no platform thread parks or wakes inside the measurement: every start, every end and the final
 * wake-up are virtual-thread operations on the carrier pool, which is what a goroutine started by a
 * request handler costs. The setup refuses to run on a platform thread.
 *
 * <p>{@code telemetry} modes of the Shuttle benchmark: {@code no-sdk} (Shuttle follows the global
 * OpenTelemetry, which is the no-op one here; root context), {@code sdk-unsampled} (an SDK tracer
 * and an SDK meter with a reader installed, the goroutines started under an unsampled parent span,
 * no span of their own), {@code sdk-unsampled-traced} (the same, each goroutine asking for a span
 * with {@code wg.go(name, attributes, task)}: the sampler runs and says no).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Djmh.executor=VIRTUAL")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GoroutineStartBenchmark {
  static final int BATCH = 1_000;

  /** Refuses a platform benchmark thread: the figures would include its park and wake-up. */
  @Setup(Level.Trial)
  public void requireVirtualThread() {
    if (!Thread.currentThread().isVirtual()) {
      throw new IllegalStateException(
          "GoroutineStartBenchmark must run on a virtual thread: keep the fork's"
              + " -Djmh.executor=VIRTUAL (a -jvmArgsAppend on the command line replaces it)");
    }
  }

  /** The telemetry Shuttle records to while the goroutines start, and their parent context. */
  @State(Scope.Benchmark)
  public static class Telemetry {
    @Param({"no-sdk", "sdk-unsampled", "sdk-unsampled-traced"})
    public String telemetry = "no-sdk";

    private @Nullable OpenTelemetrySdk sdk;
    Context parent = Context.root();
    boolean spans;

    /** Installs the SDK (or not) and chooses the parent context. */
    @Setup(Level.Trial)
    public void setUp() {
      switch (telemetry) {
        case "no-sdk" -> {
          ShuttleTelemetry.useGlobal();
          parent = Context.root();
        }
        case "sdk-unsampled", "sdk-unsampled-traced" -> {
          OpenTelemetrySdk installed =
              OpenTelemetrySdk.builder()
                  .setTracerProvider(SdkTracerProvider.builder().build())
                  .setMeterProvider(
                      SdkMeterProvider.builder()
                          .registerMetricReader(new HoldingMetricReader())
                          .build())
                  .build();
          sdk = installed;
          ShuttleTelemetry.use(installed);
          parent = Unsampled.context();
          spans = telemetry.equals("sdk-unsampled-traced");
        }
        default -> throw new IllegalArgumentException("unknown telemetry mode " + telemetry);
      }
    }

    /** Goes back to the global OpenTelemetry and closes the SDK. */
    @TearDown(Level.Trial)
    public void tearDown() {
      ShuttleTelemetry.useGlobal();
      OpenTelemetrySdk installed = sdk;
      if (installed != null) {
        installed.close();
      }
    }
  }

  /** The floor: {@value #BATCH} raw virtual threads counted down on a latch. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void rawVirtualThreads() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(BATCH);
    Runnable body = done::countDown;
    for (int i = 0; i < BATCH; i++) {
      Thread.ofVirtual().start(body);
    }
    done.await();
  }

  /**
   * Raw virtual threads that carry an unsampled parent context by hand ({@link Context#wrap}, what
   * the least a context-propagating goroutine must do).
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void rawVirtualThreadsContextWrap() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(BATCH);
    Runnable body = done::countDown;
    try (io.opentelemetry.context.Scope ignored = Unsampled.context().makeCurrent()) {
      for (int i = 0; i < BATCH; i++) {
        Thread.ofVirtual().start(Context.current().wrap(body));
      }
    }
    done.await();
  }

  /** {@code WaitGroup.create()}, {@code wg.go(..)} × {@value #BATCH}, {@code wg.await()}. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void waitGroupGo(Telemetry telemetry) throws InterruptedException {
    WaitGroup wg = WaitGroup.create();
    try (io.opentelemetry.context.Scope ignored = telemetry.parent.makeCurrent()) {
      if (telemetry.spans) {
        for (int i = 0; i < BATCH; i++) {
          wg.go("task", Attributes.empty(), () -> {});
        }
      } else {
        for (int i = 0; i < BATCH; i++) {
          wg.go(() -> {});
        }
      }
    }
    wg.await();
  }
}
