package dev.shuttle.demo.scenario;

import dev.shuttle.demo.OtlpRun;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads the points of the latest export of a metric, by attribute. */
final class MetricPoints {
  private MetricPoints() {}

  static Metric metric(OtlpRun run, String name) {
    return run.metric(name).orElseThrow(() -> new AssertionError("no metric " + name));
  }

  /** The attributes of a point, as strings. */
  static Map<String, String> attributes(List<KeyValue> attributes) {
    return attributes.stream()
        .collect(
            Collectors.toMap(
                KeyValue::getKey,
                kv ->
                    kv.getValue().hasStringValue()
                        ? kv.getValue().getStringValue()
                        : kv.getValue().toString()));
  }

  /** The sum of the long points of a sum whose attribute {@code key} is {@code value}. */
  static long longSum(OtlpRun run, String name, String key, String value) {
    return metric(run, name).getSum().getDataPointsList().stream()
        .filter(p -> value.equals(attributes(p.getAttributesList()).get(key)))
        .mapToLong(NumberDataPoint::getAsInt)
        .sum();
  }

  /** The long points of a sum, by the value of attribute {@code key}. */
  static Map<String, Long> longSumsBy(OtlpRun run, String name, String key) {
    return metric(run, name).getSum().getDataPointsList().stream()
        .collect(
            Collectors.groupingBy(
                p -> attributes(p.getAttributesList()).getOrDefault(key, ""),
                Collectors.summingLong(NumberDataPoint::getAsInt)));
  }

  /** The number of recordings of a histogram, by the value of attribute {@code key}. */
  static Map<String, Long> histogramCountsBy(OtlpRun run, String name, String key) {
    return metric(run, name).getHistogram().getDataPointsList().stream()
        .collect(
            Collectors.groupingBy(
                p -> attributes(p.getAttributesList()).getOrDefault(key, ""),
                Collectors.summingLong(HistogramDataPoint::getCount)));
  }

  /** The one double point of a sum or gauge. */
  static double onlyDouble(OtlpRun run, String name) {
    Metric metric = metric(run, name);
    List<NumberDataPoint> points =
        metric.hasGauge()
            ? metric.getGauge().getDataPointsList()
            : metric.getSum().getDataPointsList();
    if (points.size() != 1) {
      throw new AssertionError(name + " has " + points.size() + " points");
    }
    return points.getFirst().getAsDouble();
  }
}
