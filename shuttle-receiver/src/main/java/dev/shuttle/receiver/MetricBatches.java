package dev.shuttle.receiver;

import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link BatchKind} of metric batches: items are data points (number, histogram, exponential
 * histogram and summary points alike), elements are data points and metrics without data.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
enum MetricBatches implements BatchKind<ResourceMetrics> {
  /** The only instance. */
  INSTANCE;

  @Override
  public int items(ResourceMetrics batch) {
    return SizeEstimator.dataPoints(batch);
  }

  @Override
  public int elements(ResourceMetrics batch) {
    int elements = 0;
    for (ScopeMetrics scope : batch.getScopeMetricsList()) {
      elements += elements(scope);
    }
    return elements;
  }

  @Override
  public long bytes(ResourceMetrics batch) {
    return SizeEstimator.resourceMetrics(batch);
  }

  @Override
  public ResourceMetrics dropFirst(ResourceMetrics batch, int drop) {
    List<ScopeMetrics> scopes = new ArrayList<>();
    BatchKind.dropFront(
        batch.getScopeMetricsList(), drop, MetricBatches::elements, MetricBatches::drop, scopes);
    return batch.toBuilder().clearScopeMetrics().addAllScopeMetrics(scopes).build();
  }

  private static int elements(ScopeMetrics scope) {
    int elements = 0;
    for (Metric metric : scope.getMetricsList()) {
      elements += elements(metric);
    }
    return elements;
  }

  private static int elements(Metric metric) {
    return Math.max(1, SizeEstimator.dataPoints(metric));
  }

  private static ScopeMetrics drop(ScopeMetrics scope, int drop) {
    List<Metric> metrics = new ArrayList<>();
    BatchKind.dropFront(
        scope.getMetricsList(), drop, MetricBatches::elements, MetricBatches::drop, metrics);
    return scope.toBuilder().clearMetrics().addAllMetrics(metrics).build();
  }

  /** Drops the first points of a metric with more than {@code drop} points. */
  private static Metric drop(Metric metric, int drop) {
    Metric.Builder trimmed = metric.toBuilder();
    switch (metric.getDataCase()) {
      case GAUGE -> {
        var points = metric.getGauge().getDataPointsList();
        trimmed.getGaugeBuilder().clearDataPoints().addAllDataPoints(tail(points, drop));
      }
      case SUM -> {
        var points = metric.getSum().getDataPointsList();
        trimmed.getSumBuilder().clearDataPoints().addAllDataPoints(tail(points, drop));
      }
      case HISTOGRAM -> {
        var points = metric.getHistogram().getDataPointsList();
        trimmed.getHistogramBuilder().clearDataPoints().addAllDataPoints(tail(points, drop));
      }
      case EXPONENTIAL_HISTOGRAM -> {
        var points = metric.getExponentialHistogram().getDataPointsList();
        trimmed
            .getExponentialHistogramBuilder()
            .clearDataPoints()
            .addAllDataPoints(tail(points, drop));
      }
      case SUMMARY -> {
        var points = metric.getSummary().getDataPointsList();
        trimmed.getSummaryBuilder().clearDataPoints().addAllDataPoints(tail(points, drop));
      }
      case DATA_NOT_SET ->
          throw new IllegalArgumentException("a metric without data is one element");
    }
    return trimmed.build();
  }

  private static <P> List<P> tail(List<P> points, int drop) {
    return points.subList(drop, points.size());
  }
}
