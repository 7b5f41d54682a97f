package dev.shuttle.metrics;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.List;
import java.util.Optional;

/** A meter provider whose metrics a test reads back, with look-ups by name and attributes. */
final class MetricsTesting implements AutoCloseable {
  final InMemoryMetricReader reader = InMemoryMetricReader.create();
  final SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();

  List<MetricData> collect() {
    return List.copyOf(reader.collectAllMetrics());
  }

  Optional<MetricData> metric(String name) {
    return collect().stream().filter(m -> m.getName().equals(name)).findFirst();
  }

  long longValue(String name, Attributes attributes) {
    MetricData metric = metric(name).orElseThrow(() -> new AssertionError("no metric " + name));
    return metric.getLongSumData().getPoints().stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .mapToLong(p -> p.getValue())
        .sum();
  }

  double doubleValue(String name, Attributes attributes) {
    MetricData metric = metric(name).orElseThrow(() -> new AssertionError("no metric " + name));
    var points =
        switch (metric.getType()) {
          case DOUBLE_GAUGE -> metric.getDoubleGaugeData().getPoints();
          case DOUBLE_SUM -> metric.getDoubleSumData().getPoints();
          default -> throw new AssertionError("not a double metric: " + metric);
        };
    return points.stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .mapToDouble(p -> p.getValue())
        .sum();
  }

  @Override
  public void close() {
    provider.close();
  }
}
