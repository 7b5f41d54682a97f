package dev.shuttle.demo;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.Comparator;
import java.util.List;

/**
 * Makes two exports of the same values compare equal: removes the points' time stamps and puts the
 * points in a fixed order (the SDK does not promise one).
 */
final class MetricTimes {
  private static final Comparator<NumberDataPoint> NUMBER_ORDER =
      Comparator.comparing(p -> p.getAttributesList().toString());
  private static final Comparator<HistogramDataPoint> HISTOGRAM_ORDER =
      Comparator.comparing(p -> p.getAttributesList().toString());

  private MetricTimes() {}

  static Metric strip(Metric metric) {
    Metric.Builder b = metric.toBuilder();
    switch (metric.getDataCase()) {
      case SUM -> {
        List<NumberDataPoint> points = timeless(metric.getSum().getDataPointsList());
        b.getSumBuilder().clearDataPoints().addAllDataPoints(points);
      }
      case GAUGE -> {
        List<NumberDataPoint> points = timeless(metric.getGauge().getDataPointsList());
        b.getGaugeBuilder().clearDataPoints().addAllDataPoints(points);
      }
      case HISTOGRAM -> {
        List<HistogramDataPoint> points =
            metric.getHistogram().getDataPointsList().stream()
                .map(p -> p.toBuilder().clearTimeUnixNano().clearStartTimeUnixNano().build())
                .sorted(HISTOGRAM_ORDER)
                .toList();
        b.getHistogramBuilder().clearDataPoints().addAllDataPoints(points);
      }
      case EXPONENTIAL_HISTOGRAM ->
          b.getExponentialHistogramBuilder()
              .getDataPointsBuilderList()
              .forEach(p -> p.clearTimeUnixNano().clearStartTimeUnixNano());
      case SUMMARY ->
          b.getSummaryBuilder()
              .getDataPointsBuilderList()
              .forEach(p -> p.clearTimeUnixNano().clearStartTimeUnixNano());
      case DATA_NOT_SET -> {}
    }
    return b.build();
  }

  private static List<NumberDataPoint> timeless(List<NumberDataPoint> points) {
    return points.stream()
        .map(p -> p.toBuilder().clearTimeUnixNano().clearStartTimeUnixNano().build())
        .sorted(NUMBER_ORDER)
        .toList();
  }
}
