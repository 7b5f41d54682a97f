package dev.shuttle.pool;

import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Helpers shared by the pool tests: waiting on conditions with a deadline, reading histograms. */
final class PoolTesting {
  private PoolTesting() {}

  /** Waits until {@code condition} holds, failing with {@code description} after {@code limit}. */
  static void eventually(Duration limit, Supplier<String> description, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + description.get());
      }
      Thread.sleep(2);
    }
  }

  /** The number of recordings of a histogram whose attribute {@code key} equals {@code value}. */
  static long histogramCount(
      TelemetryExtension telemetry, String metric, AttributeKey<String> key, String value) {
    return histogramPoints(telemetry, metric).stream()
        .filter(p -> value.equals(p.getAttributes().get(key)))
        .mapToLong(HistogramPointData::getCount)
        .sum();
  }

  static List<HistogramPointData> histogramPoints(TelemetryExtension telemetry, String metric) {
    return telemetry.collectMetrics().stream()
        .filter(m -> m.getName().equals(metric))
        .findFirst()
        .map(MetricData::getHistogramData)
        .map(h -> List.copyOf(h.getPoints()))
        .orElse(List.of());
  }

  /** The metric named {@code name}, or fails. */
  static MetricData metric(TelemetryExtension telemetry, String name) {
    return telemetry.collectMetrics().stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }
}
