package dev.shuttle.demo;

import io.opentelemetry.proto.metrics.v1.Metric;

/** Removes time stamps from a metric's points, so two exports of the same values compare equal. */
final class MetricTimes {
  private MetricTimes() {}

  static Metric strip(Metric metric) {
    Metric.Builder b = metric.toBuilder();
    switch (metric.getDataCase()) {
      case SUM ->
          b.getSumBuilder()
              .getDataPointsBuilderList()
              .forEach(p -> p.clearTimeUnixNano().clearStartTimeUnixNano());
      case GAUGE ->
          b.getGaugeBuilder()
              .getDataPointsBuilderList()
              .forEach(p -> p.clearTimeUnixNano().clearStartTimeUnixNano());
      case HISTOGRAM ->
          b.getHistogramBuilder()
              .getDataPointsBuilderList()
              .forEach(p -> p.clearTimeUnixNano().clearStartTimeUnixNano());
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
}
