package dev.shuttle.bench;

import dev.shuttle.channel.Channel;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.List;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of carrying the sender's context in every message: buffered(16) producer to consumer on
 * virtual threads, with per-message context off, on with an unsampled span current, and on with a
 * sampled (recording) span current; {@code off-unsampled} separates the cost of looking up the
 * cancellation in a non-empty context from the cost of carrying it. The consumer reads each value's
 * context with {@code receiveMessage()}. Score per message.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MessageContextBenchmark {
  private static final int MESSAGES = 100_000;

  @Param({"off", "off-unsampled", "on-unsampled", "on-sampled"})
  public String mode = "off";

  private Context producerContext = Context.root();
  private SdkTracerProvider tracerProvider = SdkTracerProvider.builder().build();

  @Setup(Level.Trial)
  public void setUp() {
    tracerProvider = SdkTracerProvider.builder().build();
    sameThreadChannel =
        Channel.builder().capacity(16).messageContext(!mode.startsWith("off")).build();
    producerContext =
        switch (mode) {
          case "on-unsampled", "off-unsampled" -> Unsampled.context();
          case "on-sampled" ->
              Context.root().with(tracerProvider.get("bench").spanBuilder("producer").startSpan());
          default -> Context.root();
        };
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    tracerProvider.close();
  }

  /**
   * Sends 16 values and receives them with their contexts on one thread: the channel's own cost per
   * message (uncontended lock, no thread hand-off), where the context's share is visible.
   */
  @Benchmark
  @OperationsPerInvocation(16)
  public long sameThread() throws InterruptedException {
    Channel<Integer> channel = sameThreadChannel;
    Context context = producerContext;
    long valid = 0;
    for (int i = 0; i < 16; i++) {
      channel.send(context, i);
    }
    for (int i = 0; i < 16; i++) {
      valid += channel.receiveMessage(Context.root()).value();
    }
    return valid;
  }

  private Channel<Integer> sameThreadChannel = Channel.buffered(16);

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public long transfer() throws InterruptedException {
    Channel<Integer> channel =
        Channel.builder().capacity(16).messageContext(!mode.startsWith("off")).build();
    long[] valid = {0};
    Context context = producerContext;
    VirtualThreads.runAll(
        List.of(
            () -> {
              for (int i = 0; i < MESSAGES; i++) {
                channel.send(context, i);
              }
            },
            () -> {
              for (int i = 0; i < MESSAGES; i++) {
                if (Span.fromContext(channel.receiveMessage(Context.root()).context())
                    .getSpanContext()
                    .isValid()) {
                  valid[0]++;
                }
              }
            }));
    return valid[0];
  }
}
