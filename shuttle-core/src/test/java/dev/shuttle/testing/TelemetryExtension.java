package dev.shuttle.testing;

import dev.shuttle.telemetry.ShuttleTelemetry;
import dev.shuttle.test.ShuttleLeakCheck;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Points Shuttle at an in-memory OpenTelemetry SDK for one test: spans and metrics can be read
 * back, and Shuttle goes back to the global instance afterwards.
 */
public final class TelemetryExtension implements BeforeEachCallback, AfterEachCallback {
  private InMemorySpanExporter spans = InMemorySpanExporter.create();
  private InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private OpenTelemetrySdk sdk = build();

  private OpenTelemetrySdk build() {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .addSpanProcessor(ShuttleLeakCheck.spanProcessor())
                .addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .build();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    spans = InMemorySpanExporter.create();
    metrics = InMemoryMetricReader.create();
    sdk = build();
    ShuttleTelemetry.use(sdk);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    ShuttleTelemetry.useGlobal();
    sdk.close();
  }

  /** The SDK Shuttle records to during the test. */
  public OpenTelemetrySdk sdk() {
    return sdk;
  }

  /** Every span ended so far. */
  public List<SpanData> spans() {
    return spans.getFinishedSpanItems();
  }

  /** The one ended span named {@code name}; fails if there is not exactly one. */
  public SpanData span(String name) {
    List<SpanData> named = spans().stream().filter(s -> s.getName().equals(name)).toList();
    if (named.size() != 1) {
      throw new AssertionError("expected one span named " + name + ", got " + spans());
    }
    return named.getFirst();
  }

  /** Every metric collected now. */
  public List<MetricData> collectMetrics() {
    return List.copyOf(metrics.collectAllMetrics());
  }

  /** The sum of a long counter's points whose attribute {@code key} equals {@code value}. */
  public long longSum(String metricName, AttributeKey<String> key, String value) {
    return longPoints(metricName).stream()
        .filter(p -> value.equals(p.getAttributes().get(key)))
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  /** The sum of all points of a long counter or up-down counter, 0 if it has none. */
  public long longSum(String metricName) {
    return longPoints(metricName).stream().mapToLong(LongPointData::getValue).sum();
  }

  private List<LongPointData> longPoints(String metricName) {
    Optional<MetricData> metric =
        collectMetrics().stream().filter(m -> m.getName().equals(metricName)).findFirst();
    return metric.map(m -> List.copyOf(m.getLongSumData().getPoints())).orElse(List.of());
  }
}
