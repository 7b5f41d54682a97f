package dev.shuttle.bench;

import dev.shuttle.Go;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
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
 * The cost of starting and joining one goroutine: a bare virtual thread vs Shuttle's {@code
 * Go.start} untraced, traced under an unsampled parent, and traced under a sampled parent, all with
 * the OpenTelemetry SDK installed (metrics on). Principle 6: the unsampled traced path must stay
 * within a few percent of the untraced one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class GoroutineBenchmark {
  @Param({"untraced", "traced-unsampled", "traced-sampled"})
  public String mode = "untraced";

  private OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().build();
  private Context parent = Context.root();

  @Setup(Level.Trial)
  public void setUp() {
    sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build();
    ShuttleTelemetry.use(sdk);
    parent =
        switch (mode) {
          case "traced-sampled" ->
              Context.root().with(sdk.getTracer("bench").spanBuilder("parent").startSpan());
          default -> Unsampled.context();
        };
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ShuttleTelemetry.useGlobal();
    sdk.close();
  }

  /** The baseline: a virtual thread that does nothing, started and joined. */
  @Benchmark
  public void bareVirtualThread() throws InterruptedException {
    Thread.ofVirtual().start(() -> {}).join();
  }

  /** A goroutine started and joined; traced in the traced modes. */
  @Benchmark
  public Object goroutine() throws Exception {
    return mode.equals("untraced")
        ? Go.start(parent, () -> 1).join()
        : Go.start(parent, "task", Attributes.empty(), () -> 1).join();
  }
}
