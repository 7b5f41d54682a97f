package dev.shuttle.flow;

import dev.shuttle.telemetry.ShuttleTelemetry;
import dev.shuttle.test.ShuttleLeakCheck;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** An SDK with an in-memory exporter, installed as Shuttle's; counts started and ended spans. */
final class TestTelemetry implements AutoCloseable {
  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final AtomicInteger started = new AtomicInteger();
  final AtomicInteger ended = new AtomicInteger();
  private final OpenTelemetrySdk sdk;

  TestTelemetry() {
    SpanProcessor counting =
        new SpanProcessor() {
          @Override
          public void onStart(Context parentContext, ReadWriteSpan span) {
            started.incrementAndGet();
          }

          @Override
          public boolean isStartRequired() {
            return true;
          }

          @Override
          public void onEnd(ReadableSpan span) {
            ended.incrementAndGet();
          }

          @Override
          public boolean isEndRequired() {
            return true;
          }
        };
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(ShuttleLeakCheck.spanProcessor())
                    .addSpanProcessor(counting)
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    ShuttleTelemetry.use(sdk);
  }

  Tracer tracer() {
    return sdk.getTracer("test");
  }

  List<SpanData> spans(String name) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
  }

  @Override
  public void close() {
    ShuttleTelemetry.useGlobal();
    sdk.close();
  }
}
