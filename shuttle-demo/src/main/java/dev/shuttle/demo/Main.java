package dev.shuttle.demo;

import dev.shuttle.demo.scenario.GoroutinesScenario;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Runs the guide's goroutine examples under Shuttle and prints the spans they produce as trees. */
public final class Main {
  private static final List<String> TASKS = List.of("alpha", "beta", "gamma", "delta");

  private Main() {}

  /** Entry point of the {@code shuttle} command. */
  public static void main(String[] args) throws Exception {
    CollectingExporter exporter = new CollectingExporter();
    try (OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build()) {
      ShuttleTelemetry.use(sdk);
      Tracer tracer = sdk.getTracer("shuttle-demo");
      GoroutinesScenario scenario = new GoroutinesScenario(tracer);
      scenario.basicGoroutine();
      scenario.waitGroup(TASKS);
      try {
        scenario.errGroup(TASKS, "gamma");
      } catch (IllegalStateException expected) {
        System.out.println("errgroup await threw, as it should: " + expected.getMessage());
      }
    }
    new SpanTreePrinter(System.out).print(List.copyOf(exporter.spans));
  }

  /** Keeps every exported span in memory. */
  private static final class CollectingExporter implements SpanExporter {
    final ConcurrentLinkedQueue<SpanData> spans = new ConcurrentLinkedQueue<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
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
}
