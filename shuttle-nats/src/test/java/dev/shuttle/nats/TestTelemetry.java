package dev.shuttle.nats;

import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A local SDK with the W3C trace-context and baggage propagators, which Shuttle uses during each
 * test ({@code @RegisterExtension}); after it, Shuttle goes back to the global instance.
 */
final class TestTelemetry implements BeforeEachCallback, AfterEachCallback {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setPropagators(
              ContextPropagators.create(
                  TextMapPropagator.composite(
                      W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
          .build();

  @Override
  public void beforeEach(ExtensionContext context) {
    ShuttleTelemetry.use(sdk);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    ShuttleTelemetry.useGlobal();
    sdk.close();
  }
}
