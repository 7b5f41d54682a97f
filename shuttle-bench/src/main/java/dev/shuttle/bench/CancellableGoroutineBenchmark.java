package dev.shuttle.bench;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Contexts;
import dev.shuttle.sync.WaitGroup;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What interrupt-on-cancel (ADR 5) costs a goroutine: a virtual thread starts {@value #BATCH}
 * goroutines with {@code WaitGroup.go} and waits for them, under a context that can never be done
 * (nothing armed), a cancellable one (each goroutine registers and removes its interrupt guard),
 * and a cancellable one made by {@code Contexts.withoutInterrupt} (nothing armed); against raw
 * virtual threads and a {@link CountDownLatch}. Nanoseconds per goroutine.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CancellableGoroutineBenchmark {
  static final int BATCH = 1_000;

  @Param({"background", "cancellable", "cancellable-without-interrupt"})
  public String context = "background";

  private OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().build();
  private CancelableContext cancellable = Contexts.withCancel(Context.root());
  private Context parent = Context.root();

  @Setup(Level.Trial)
  public void setUp() {
    sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build();
    ShuttleTelemetry.use(sdk);
    cancellable = Contexts.withCancel(Unsampled.context());
    parent =
        switch (context) {
          case "cancellable" -> cancellable.context();
          case "cancellable-without-interrupt" -> Contexts.withoutInterrupt(cancellable.context());
          default -> Unsampled.context();
        };
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cancellable.cancel();
    ShuttleTelemetry.useGlobal();
    sdk.close();
  }

  /** The floor: raw virtual threads counted down on a latch, started from a virtual thread. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void rawVirtualThreads() throws InterruptedException {
    VirtualThreads.runAll(
        List.of(
            () -> {
              CountDownLatch done = new CountDownLatch(BATCH);
              for (int i = 0; i < BATCH; i++) {
                Thread.ofVirtual().start(done::countDown);
              }
              done.await();
            }));
  }

  /** {@code WaitGroup.go} × {@value #BATCH} under the chosen context, from a virtual thread. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void waitGroupGo() throws InterruptedException {
    VirtualThreads.runAll(
        List.of(
            () -> {
              WaitGroup wg = WaitGroup.create();
              try (Scope ignored = parent.makeCurrent()) {
                for (int i = 0; i < BATCH; i++) {
                  wg.go(() -> {});
                }
              }
              wg.await();
            }));
  }
}
