package dev.shuttle.nats;

import dev.shuttle.telemetry.PoolAttributes;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A local SDK with in-memory spans and metrics and the W3C trace-context and baggage propagators,
 * which Shuttle uses during each test ({@code @RegisterExtension}); after it, Shuttle goes back to
 * the global instance.
 */
final class TestTelemetry implements BeforeEachCallback, AfterEachCallback {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
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

  /** Returns the ended spans named {@code name}. */
  List<SpanData> spans(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
  }

  /**
   * Returns the sum of the long points of {@code metric} for pool {@code pool} (and, if {@code
   * outcome} is given, that job outcome).
   */
  long sum(String metric, String pool, @Nullable String outcome) {
    Collection<MetricData> collected = metrics.collectAllMetrics();
    long total = 0;
    for (MetricData data : collected) {
      if (!data.getName().equals(metric)) {
        continue;
      }
      Collection<? extends LongPointData> points =
          data.getType() == MetricDataType.LONG_SUM ? data.getLongSumData().getPoints() : List.of();
      for (LongPointData point : points) {
        if (pool.equals(point.getAttributes().get(PoolAttributes.POOL_NAME))
            && PoolAttributes.TYPE_NATS.equals(point.getAttributes().get(PoolAttributes.POOL_TYPE))
            && (outcome == null || outcome.equals(point.getAttributes().get(OUTCOME)))) {
          total += point.getValue();
        }
      }
    }
    return total;
  }

  /** Returns the number of recordings of histogram {@code metric} for pool {@code pool}. */
  long count(String metric, String pool) {
    long total = 0;
    for (MetricData data : metrics.collectAllMetrics()) {
      if (data.getName().equals(metric) && data.getType() == MetricDataType.HISTOGRAM) {
        total +=
            data.getHistogramData().getPoints().stream()
                .filter(p -> pool.equals(p.getAttributes().get(PoolAttributes.POOL_NAME)))
                .mapToLong(p -> p.getCount())
                .sum();
      }
    }
    return total;
  }

  private static final AttributeKey<String> OUTCOME = PoolAttributes.JOB_OUTCOME;
}
