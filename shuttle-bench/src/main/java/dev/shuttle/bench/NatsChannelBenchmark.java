package dev.shuttle.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Messages through a Shuttle {@code NatsChannel} against raw jnats publish and pull on the same
 * nats-server, with the same stream settings: what Shuttle's spans, headers and hand-over cost.
 * Each trial starts its own {@code nats-server -js} on 127.0.0.1 (a file store in a temporary
 * directory) and one connection.
 *
 * <ul>
 *   <li>{@link #send}: one producer (the benchmark thread) sends with a synchronous publish
 *       acknowledgement while a background thread drains the stream; messages per second.
 *   <li>{@link #roundTrip}: send one message, then receive it (raw: fetch one and ack it); time per
 *       message.
 * </ul>
 *
 * <p>{@code impl}: {@code shuttle} ({@link ShuttleNatsQueue}) or {@code jnats} ({@link
 * RawNatsQueue}, which writes no trace header and ignores {@code telemetry}; its drain thread pulls
 * up to 256 messages at a time), or {@code jnats-pull1} (the same, its drain thread pulling one
 * message at a time, as a {@code NatsChannel} with one waiting receiver does; not in the default
 * parameters, pass {@code -p impl=jnats-pull1}). {@code telemetry}: {@code no-sdk} (the global
 * no-op OpenTelemetry: no span recorded, no trace header), {@code sdk-unsampled} (an SDK whose
 * sampler drops every span: spans are created unrecorded and the {@code traceparent} and baggage
 * headers are still written and read), {@code sdk-sampled} (every span recorded and exported
 * through a batch processor to an exporter that drops them). The body is a {@value
 * #BODY_LENGTH}-character ASCII string.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class NatsChannelBenchmark {
  static final int BODY_LENGTH = 128;
  static final int CAPACITY = 1024;

  private static final String BODY = "x".repeat(BODY_LENGTH);

  private static final OperatingSystemMXBean PROCESS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  @Param({"shuttle", "jnats"})
  public String impl = "shuttle";

  @Param({"no-sdk", "sdk-unsampled", "sdk-sampled"})
  public String telemetry = "no-sdk";

  private @Nullable NatsServerProcess server;
  private @Nullable OpenTelemetrySdk sdk;
  private @Nullable NatsQueue queue;
  private final DroppingExporter exporter = new DroppingExporter();
  private long sent;
  private long sentAtStart;
  private long jvmCpuAtStart;
  private long serverCpuAtStart;
  private String benchmark = "";
  private NatsQueue open = new Unopened();

  /**
   * Installs the telemetry, starts the server, opens the queue, and starts draining it for {@link
   * #send}.
   */
  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws Exception {
    installTelemetry();
    NatsServerProcess started = NatsServerProcess.start();
    server = started;
    String name = "bench-" + Long.toHexString(System.nanoTime());
    var connection = Nats.connect(Options.builder().server(started.url()).build());
    NatsQueue opened =
        switch (impl) {
          case "shuttle" -> new ShuttleNatsQueue(connection, name, CAPACITY);
          case "jnats" -> new RawNatsQueue(connection, name, CAPACITY, RawNatsQueue.DRAIN_BATCH);
          case "jnats-pull1" -> new RawNatsQueue(connection, name, CAPACITY, 1);
          default -> {
            connection.close();
            throw new IllegalArgumentException(
                "unknown impl " + impl + ": shuttle, jnats or jnats-pull1");
          }
        };
    queue = opened;
    open = opened;
    benchmark = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
    if (benchmark.equals("send")) {
      opened.startDraining();
    }
  }

  /** Closes the queue (deleting its stream), stops the server and uninstalls the telemetry. */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try {
      NatsQueue opened = queue;
      if (opened != null) {
        long drained = opened.drained();
        opened.close();
        System.out.printf(
            "%n%s/%s: sent %d, drained %d, spans exported %d%n",
            impl, telemetry, sent, drained, exporter.exported.get());
      }
    } finally {
      NatsServerProcess started = server;
      if (started != null) {
        started.close();
      }
      ShuttleTelemetry.useGlobal();
      OpenTelemetrySdk installed = sdk;
      if (installed != null) {
        installed.close();
      }
    }
  }

  /** Notes where the CPU counters and the message count stand as an iteration starts. */
  @Setup(Level.Iteration)
  public void startIteration() {
    sentAtStart = sent;
    jvmCpuAtStart = PROCESS.getProcessCpuTime();
    NatsServerProcess started = server;
    serverCpuAtStart = started == null ? -1 : started.cpuNanos();
  }

  /**
   * Prints, after a measurement iteration, the CPU time this JVM and the nats-server used per
   * message during it: a cost that the other processes on a busy machine disturb less than the
   * wall-clock score. The JVM's figure includes its JIT, GC and telemetry export threads.
   */
  @TearDown(Level.Iteration)
  public void endIteration(IterationParams iteration) {
    long messages = sent - sentAtStart;
    NatsServerProcess started = server;
    if (iteration.getType() != IterationType.MEASUREMENT || messages == 0 || started == null) {
      return;
    }
    double jvm = (PROCESS.getProcessCpuTime() - jvmCpuAtStart) / 1_000.0 / messages;
    double nats = (started.cpuNanos() - serverCpuAtStart) / 1_000.0 / messages;
    System.out.printf(
        Locale.ROOT,
        "%ncpu-per-message %s %s %s messages=%d jvm-us=%.2f server-us=%.2f%n",
        impl,
        telemetry,
        benchmark,
        messages,
        jvm,
        nats);
  }

  /** One send with its publish acknowledgement, while the stream is drained in the background. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void send() throws InterruptedException {
    open.send(Context.root(), BODY);
    sent++;
  }

  /** One send, then one receive of that message (acknowledged). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public String roundTrip() throws InterruptedException {
    open.send(Context.root(), BODY);
    sent++;
    return open.receive(Context.root());
  }

  private void installTelemetry() {
    switch (telemetry) {
      case "no-sdk" -> ShuttleTelemetry.useGlobal();
      case "sdk-unsampled", "sdk-sampled" -> {
        OpenTelemetrySdk installed =
            OpenTelemetrySdk.builder()
                .setTracerProvider(
                    SdkTracerProvider.builder()
                        .setSampler(
                            telemetry.equals("sdk-sampled")
                                ? Sampler.alwaysOn()
                                : Sampler.alwaysOff())
                        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                        .build())
                .setMeterProvider(
                    SdkMeterProvider.builder()
                        .registerMetricReader(new HoldingMetricReader())
                        .build())
                .setPropagators(
                    ContextPropagators.create(
                        TextMapPropagator.composite(
                            W3CTraceContextPropagator.getInstance(),
                            W3CBaggagePropagator.getInstance())))
                .build();
        sdk = installed;
        ShuttleTelemetry.use(installed);
      }
      default ->
          throw new IllegalArgumentException(
              "unknown telemetry " + telemetry + ": no-sdk, sdk-unsampled or sdk-sampled");
    }
  }

  /** A span exporter that counts the spans it is given and drops them. Thread-safe. */
  private static final class DroppingExporter implements SpanExporter {
    final AtomicLong exported = new AtomicLong();

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      exported.addAndGet(spans.size());
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** The queue before the setup ran: refuses every call. */
  private static final class Unopened implements NatsQueue {
    @Override
    public void send(Context context, String value) {
      throw new IllegalStateException("the queue is not open");
    }

    @Override
    public String receive(Context context) {
      throw new IllegalStateException("the queue is not open");
    }

    @Override
    public void startDraining() {
      throw new IllegalStateException("the queue is not open");
    }

    @Override
    public long drained() {
      return 0;
    }

    @Override
    public void close() {}
  }
}
