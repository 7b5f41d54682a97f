package dev.shuttle.receiver.render;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Renders metrics as a compact summary: one header line per metric (name, type, unit, description)
 * and one line per data point (attributes, then the value, or count and sum for histograms and
 * summaries).
 *
 * <p>Example output:
 *
 * <pre>
 * service checkout
 *   jobs.processed  sum monotonic cumulative  unit 1  — jobs done
 *     {pool=io} 42
 *   job.duration  histogram delta  unit ms
 *     {pool=io} count=3 sum=12.5 min=1 max=7
 * </pre>
 *
 * <p>Every string that came over the network (names, units, descriptions, attribute keys and
 * values, service names) is printed escaped and cut as {@link Untrusted} describes.
 *
 * <p>Thread-safety: immutable and safe to share.
 */
public final class MetricsRenderer {
  private static final int MAX_ATTRIBUTES = 64;
  private final Style style;
  private final int columns;

  private MetricsRenderer(boolean colour, int columns) {
    this.style = new Style(colour);
    this.columns = columns;
  }

  /**
   * Returns a renderer that writes plain text.
   *
   * @return a plain renderer
   */
  public static MetricsRenderer plain() {
    return new MetricsRenderer(false, 0);
  }

  /**
   * Returns a renderer with or without ANSI colour.
   *
   * @param colour true for ANSI colour codes
   * @return a renderer
   */
  public static MetricsRenderer create(boolean colour) {
    return new MetricsRenderer(colour, 0);
  }

  /**
   * Returns a renderer like this one that fits every line to {@code columns} terminal columns, or
   * one that does not fit lines if {@code columns} is 0, as by default. A line too wide is elided,
   * with {@code …}: a data point's attributes (its value is never cut), a metric's description,
   * then its unit, then its name; a service's name.
   *
   * @param columns the terminal's width, at least 1, or 0 for no limit
   * @return the renderer
   * @throws IllegalArgumentException if {@code columns} is negative
   */
  public MetricsRenderer withWidth(int columns) {
    return new MetricsRenderer(style.colour(), TraceRenderer.checkColumns(columns));
  }

  /**
   * Renders metric batches as lines ending in {@code \n}, one section per batch.
   *
   * @param batches the metrics, as held by the store
   * @return the text
   */
  public String render(List<ResourceMetrics> batches) {
    Objects.requireNonNull(batches, "batches");
    StringBuilder out = new StringBuilder();
    for (ResourceMetrics batch : batches) {
      out.append(
              new Line()
                  .cut(
                      "",
                      "service ",
                      serviceName(batch.getResource().getAttributesList()),
                      style::bold,
                      Line.SERVICE)
                  .fit(columns))
          .append('\n');
      for (ScopeMetrics scope : batch.getScopeMetricsList()) {
        for (Metric metric : scope.getMetricsList()) {
          render(out, metric);
        }
      }
    }
    return out.toString();
  }

  /**
   * Renders one metric.
   *
   * @param metric the metric
   * @return the text, a header line and one line per data point
   */
  public String render(Metric metric) {
    StringBuilder out = new StringBuilder();
    render(out, Objects.requireNonNull(metric, "metric"));
    return out.toString();
  }

  private void render(StringBuilder out, Metric metric) {
    Line header =
        new Line()
            .keep("  ")
            .cut("", name(metric.getName()), style::bold, Line.NAME)
            .keep("  " + type(metric));
    if (!metric.getUnit().isEmpty()) {
      header.cut("  ", "unit ", name(metric.getUnit()), UnaryOperator.identity(), Line.SERVICE);
    }
    header.cut(
        "  ",
        metric.getDescription().isEmpty() ? "" : "— " + name(metric.getDescription()),
        UnaryOperator.identity(),
        Line.DETAILS);
    out.append(header.fit(columns)).append('\n');
    switch (metric.getDataCase()) {
      case GAUGE -> metric.getGauge().getDataPointsList().forEach(p -> number(out, p));
      case SUM -> metric.getSum().getDataPointsList().forEach(p -> number(out, p));
      case HISTOGRAM -> metric.getHistogram().getDataPointsList().forEach(p -> histogram(out, p));
      case EXPONENTIAL_HISTOGRAM ->
          metric.getExponentialHistogram().getDataPointsList().forEach(p -> exponential(out, p));
      case SUMMARY -> metric.getSummary().getDataPointsList().forEach(p -> summary(out, p));
      case DATA_NOT_SET -> {}
    }
  }

  private void number(StringBuilder out, NumberDataPoint point) {
    String value =
        point.hasAsInt() ? Long.toString(point.getAsInt()) : Values.number(point.getAsDouble());
    line(out, point.getAttributesList(), value);
  }

  private void histogram(StringBuilder out, HistogramDataPoint point) {
    StringBuilder value = new StringBuilder("count=").append(point.getCount());
    if (point.hasSum()) {
      value.append(" sum=").append(Values.number(point.getSum()));
    }
    if (point.hasMin()) {
      value.append(" min=").append(Values.number(point.getMin()));
    }
    if (point.hasMax()) {
      value.append(" max=").append(Values.number(point.getMax()));
    }
    line(out, point.getAttributesList(), value.toString());
  }

  private void exponential(StringBuilder out, ExponentialHistogramDataPoint point) {
    String value =
        "count="
            + point.getCount()
            + (point.hasSum() ? " sum=" + Values.number(point.getSum()) : "")
            + " scale="
            + point.getScale();
    line(out, point.getAttributesList(), value);
  }

  private void summary(StringBuilder out, SummaryDataPoint point) {
    line(
        out,
        point.getAttributesList(),
        "count=" + point.getCount() + " sum=" + Values.number(point.getSum()));
  }

  private void line(StringBuilder out, List<KeyValue> attributes, String value) {
    String formatted = Values.attributes(attributes, MAX_ATTRIBUTES);
    Line line = new Line().keep("    ");
    if (!formatted.isEmpty()) {
      line.attributes("", formatted, style::dim).keep(" ");
    }
    out.append(line.keep(value).fit(columns)).append('\n');
  }

  private static String type(Metric metric) {
    return switch (metric.getDataCase()) {
      case GAUGE -> "gauge";
      case SUM ->
          "sum"
              + (metric.getSum().getIsMonotonic() ? " monotonic" : "")
              + temporality(metric.getSum().getAggregationTemporality());
      case HISTOGRAM ->
          "histogram" + temporality(metric.getHistogram().getAggregationTemporality());
      case EXPONENTIAL_HISTOGRAM ->
          "exponential histogram"
              + temporality(metric.getExponentialHistogram().getAggregationTemporality());
      case SUMMARY -> "summary";
      case DATA_NOT_SET -> "no data";
    };
  }

  private static String temporality(AggregationTemporality temporality) {
    return switch (temporality) {
      case AGGREGATION_TEMPORALITY_DELTA -> " delta";
      case AGGREGATION_TEMPORALITY_CUMULATIVE -> " cumulative";
      default -> "";
    };
  }

  /** Escapes and cuts a name, unit, description or service name that came over the network. */
  private static String name(String text) {
    return Untrusted.escape(text, Untrusted.MAX_NAME_CHARS);
  }

  private static String serviceName(List<KeyValue> resourceAttributes) {
    return resourceAttributes.stream()
        .filter(a -> a.getKey().equals("service.name"))
        .map(
            a ->
                a.getValue().hasStringValue()
                    ? name(a.getValue().getStringValue())
                    : Values.value(a.getValue()))
        .findFirst()
        .orElse("unknown_service");
  }
}
