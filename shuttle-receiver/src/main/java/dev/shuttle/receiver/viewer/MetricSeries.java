package dev.shuttle.receiver.viewer;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Metrics as charts over time: the instruments the store holds, and for one of them a series of
 * points per attribute set.
 *
 * <ul>
 *   <li><b>Monotonic sums</b> (counters) as per-second <b>rates</b>. Cumulative: the increase
 *       between two consecutive points of one series divided by the time between them; the first
 *       point, and a point after a reset (a new start time or a smaller value), give the value over
 *       the time since their start. Delta: each point's value over its own interval (from its start
 *       time, else from the previous point).
 *   <li><b>Gauges and non-monotonic sums</b> (up-down counters) as <b>lines</b> of their values; a
 *       delta up-down counter as the running total of its points.
 *   <li><b>Histograms</b> as <b>percentiles</b> p50, p90 and p99, estimated from the bucket counts:
 *       the bucket that holds the rank, and a linear interpolation within it; the open buckets at
 *       either end are closed by the point's min and max when it has them (else 0 or the finite
 *       bound). Cumulative histograms are read per interval: the counts of a point minus those of
 *       the previous point (an interval without observations has no point); the first point and a
 *       point after a reset are read whole. Delta histograms are read point by point.
 *   <li><b>Exponential histograms</b> the same way, their buckets being {@code (base^i,
 *       base^(i+1)]} with {@code base = 2^(2^-scale)}, the zero bucket at 0 and negative buckets
 *       mirrored: an approximation as good as the scale (at scale 0 a bucket spans a factor of 2).
 *       Two cumulative points of different scales cannot be subtracted: the later is read whole.
 *   <li><b>Summaries</b> as lines of the quantiles they carry (p50, ..., min for 0, max for 1).
 * </ul>
 *
 * <p>Bounds: at most {@link #MAX_SERIES} series (attribute sets, first seen first) and the newest
 * {@link #MAX_POINTS} points of each; at most {@link #MAX_METRICS} instruments listed.
 *
 * <p>Thread-safety: stateless; safe to call from any thread.
 */
final class MetricSeries {
  /** The most series one chart has. */
  static final int MAX_SERIES = 100;

  /** The most points one series has: the newest. */
  static final int MAX_POINTS = 2000;

  /** The most instruments {@link #catalogue} lists. */
  static final int MAX_METRICS = 1000;

  private static final double[] PERCENTILES = {0.5, 0.9, 0.99};

  private MetricSeries() {}

  /** How a chart draws its series. */
  enum Display {
    RATE,
    LINE,
    PERCENTILES;

    String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A point of a chart: a time in milliseconds since the epoch (fractional) and a value. */
  record Point(double timeUnixMillis, double value) {}

  /** One line of a chart. */
  record Series(String label, List<KeyValue> attributes, List<Point> points) {}

  /** One instrument as a chart. */
  record Chart(String name, String unit, String type, Display display, List<Series> series) {}

  /** One instrument of one service, as {@code /api/metrics} lists it. */
  record Instrument(
      String name,
      String description,
      String unit,
      String type,
      boolean monotonic,
      String service,
      String scope,
      int seriesCount) {}

  /** The type of a metric as the contract names it, or null if it has no data. */
  static @Nullable String type(Metric metric) {
    return switch (metric.getDataCase()) {
      case SUM -> "sum";
      case GAUGE -> "gauge";
      case HISTOGRAM -> "histogram";
      case EXPONENTIAL_HISTOGRAM -> "exp_histogram";
      case SUMMARY -> "summary";
      case DATA_NOT_SET -> null;
    };
  }

  /** The {@code service.name} of a resource, or {@code unknown_service}. */
  static String service(Resource resource) {
    for (KeyValue attribute : resource.getAttributesList()) {
      if (attribute.getKey().equals("service.name") && attribute.getValue().hasStringValue()) {
        return attribute.getValue().getStringValue();
      }
    }
    return "unknown_service";
  }

  /** Every instrument held, by name then service; the latest export's description and unit. */
  static List<Instrument> catalogue(List<ResourceMetrics> batches) {
    record Key(String name, String service) {}
    Map<Key, Instrument> latest = new HashMap<>();
    Map<Key, Set<List<KeyValue>>> attributeSets = new HashMap<>();
    for (ResourceMetrics batch : batches) {
      String service = service(batch.getResource());
      for (ScopeMetrics scope : batch.getScopeMetricsList()) {
        for (Metric metric : scope.getMetricsList()) {
          String type = type(metric);
          if (type == null) {
            continue;
          }
          Key key = new Key(metric.getName(), service);
          if (!latest.containsKey(key) && latest.size() >= MAX_METRICS) {
            continue;
          }
          Set<List<KeyValue>> sets = attributeSets.computeIfAbsent(key, k -> new HashSet<>());
          for (List<KeyValue> attributes : attributeLists(metric)) {
            if (sets.size() < MAX_SERIES) {
              sets.add(sorted(attributes));
            }
          }
          latest.put(
              key,
              new Instrument(
                  metric.getName(),
                  metric.getDescription(),
                  metric.getUnit(),
                  type,
                  metric.hasSum() && metric.getSum().getIsMonotonic(),
                  service,
                  scope.getScope().getName(),
                  sets.size()));
        }
      }
    }
    return latest.values().stream()
        .sorted(Comparator.comparing(Instrument::name).thenComparing(Instrument::service))
        .toList();
  }

  private static List<List<KeyValue>> attributeLists(Metric metric) {
    return switch (metric.getDataCase()) {
      case SUM ->
          metric.getSum().getDataPointsList().stream()
              .map(NumberDataPoint::getAttributesList)
              .toList();
      case GAUGE ->
          metric.getGauge().getDataPointsList().stream()
              .map(NumberDataPoint::getAttributesList)
              .toList();
      case HISTOGRAM ->
          metric.getHistogram().getDataPointsList().stream()
              .map(HistogramDataPoint::getAttributesList)
              .toList();
      case EXPONENTIAL_HISTOGRAM ->
          metric.getExponentialHistogram().getDataPointsList().stream()
              .map(ExponentialHistogramDataPoint::getAttributesList)
              .toList();
      case SUMMARY ->
          metric.getSummary().getDataPointsList().stream()
              .map(SummaryDataPoint::getAttributesList)
              .toList();
      case DATA_NOT_SET -> List.of();
    };
  }

  private static List<KeyValue> sorted(List<KeyValue> attributes) {
    List<KeyValue> copy = new ArrayList<>(attributes);
    copy.sort(Comparator.comparing(KeyValue::getKey));
    return List.copyOf(copy);
  }

  // ------------------------------------------------------------------ one chart

  /** A raw point of any kind, before it becomes chart points. */
  record Raw(
      long time,
      long start,
      boolean delta,
      double value,
      @Nullable List<Bucket> buckets,
      @Nullable Double min,
      @Nullable Double max,
      @Nullable Map<Double, Double> quantiles,
      long arrival) {}

  /** A histogram bucket: {@code (lower, upper]} holding {@code count} observations. */
  record Bucket(double lower, double upper, long count) {}

  private record SeriesKey(String service, List<KeyValue> attributes) {}

  /**
   * Returns the chart of the named instrument, from one service or (service null) all of them; or
   * null if no held metric has that name (and service).
   */
  static @Nullable Chart chart(
      List<ResourceMetrics> batches, String name, @Nullable String service) {
    Metric last = null;
    Map<SeriesKey, List<Raw>> raw = new LinkedHashMap<>();
    Set<String> services = new HashSet<>();
    long arrival = 0;
    for (ResourceMetrics batch : batches) {
      String batchService = service(batch.getResource());
      if (service != null && !service.equals(batchService)) {
        continue;
      }
      for (ScopeMetrics scope : batch.getScopeMetricsList()) {
        for (Metric metric : scope.getMetricsList()) {
          if (!metric.getName().equals(name) || type(metric) == null) {
            continue;
          }
          if (last != null && last.getDataCase() != metric.getDataCase()) {
            raw.clear(); // the instrument changed its type: chart the latest one
          }
          last = metric;
          services.add(batchService);
          for (Map.Entry<List<KeyValue>, Raw> point : rawPoints(metric, arrival)) {
            SeriesKey key = new SeriesKey(batchService, sorted(point.getKey()));
            List<Raw> points = raw.get(key);
            if (points == null) {
              if (raw.size() >= MAX_SERIES) {
                continue;
              }
              points = new ArrayList<>();
              raw.put(key, points);
            }
            points.add(point.getValue());
            arrival++;
          }
        }
      }
    }
    if (last == null) {
      return null;
    }
    String type = type(last);
    Display display =
        switch (last.getDataCase()) {
          case SUM -> last.getSum().getIsMonotonic() ? Display.RATE : Display.LINE;
          case GAUGE -> Display.LINE;
          default -> Display.PERCENTILES;
        };
    boolean manyServices = services.size() > 1;
    List<Series> series = new ArrayList<>();
    for (Map.Entry<SeriesKey, List<Raw>> entry : raw.entrySet()) {
      List<Raw> points = ordered(entry.getValue());
      String attributes = label(entry.getKey().attributes());
      String prefix = manyServices ? entry.getKey().service() + ": " : "";
      List<KeyValue> attrs = entry.getKey().attributes();
      switch (last.getDataCase()) {
        case SUM, GAUGE -> {
          List<Point> line =
              display == Display.RATE
                  ? rates(points)
                  : last.hasSum() ? levels(points) : values(points);
          series.add(
              new Series(prefix + (attributes.isEmpty() ? name : attributes), attrs, newest(line)));
        }
        case HISTOGRAM, EXPONENTIAL_HISTOGRAM -> {
          List<List<Point>> lines = percentiles(points);
          for (int q = 0; q < PERCENTILES.length; q++) {
            series.add(
                new Series(
                    prefix
                        + quantileName(PERCENTILES[q])
                        + (attributes.isEmpty() ? "" : " " + attributes),
                    attrs,
                    newest(lines.get(q))));
          }
        }
        case SUMMARY -> {
          Map<Double, List<Point>> lines = new TreeMap<>();
          for (Raw point : points) {
            Map<Double, Double> quantiles = point.quantiles();
            if (quantiles != null) {
              quantiles.forEach(
                  (q, v) ->
                      lines
                          .computeIfAbsent(q, k -> new ArrayList<>())
                          .add(new Point(millis(point.time()), v)));
            }
          }
          lines.forEach(
              (q, line) ->
                  series.add(
                      new Series(
                          prefix + quantileName(q) + (attributes.isEmpty() ? "" : " " + attributes),
                          attrs,
                          newest(line))));
        }
        case DATA_NOT_SET -> {}
      }
    }
    return new Chart(name, last.getUnit(), type == null ? "" : type, display, List.copyOf(series));
  }

  /** The points of one metric message, each with its attributes. */
  private static List<Map.Entry<List<KeyValue>, Raw>> rawPoints(Metric metric, long arrival) {
    List<Map.Entry<List<KeyValue>, Raw>> out = new ArrayList<>();
    long n = arrival;
    switch (metric.getDataCase()) {
      case SUM -> {
        boolean delta =
            metric.getSum().getAggregationTemporality()
                == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        for (NumberDataPoint p : metric.getSum().getDataPointsList()) {
          out.add(Map.entry(p.getAttributesList(), number(p, delta, n++)));
        }
      }
      case GAUGE -> {
        for (NumberDataPoint p : metric.getGauge().getDataPointsList()) {
          out.add(Map.entry(p.getAttributesList(), number(p, false, n++)));
        }
      }
      case HISTOGRAM -> {
        boolean delta =
            metric.getHistogram().getAggregationTemporality()
                == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        for (HistogramDataPoint p : metric.getHistogram().getDataPointsList()) {
          List<Bucket> buckets = explicitBuckets(p);
          if (buckets != null) {
            out.add(
                Map.entry(
                    p.getAttributesList(),
                    new Raw(
                        p.getTimeUnixNano(),
                        p.getStartTimeUnixNano(),
                        delta,
                        0,
                        buckets,
                        p.hasMin() ? p.getMin() : null,
                        p.hasMax() ? p.getMax() : null,
                        null,
                        n++)));
          }
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        boolean delta =
            metric.getExponentialHistogram().getAggregationTemporality()
                == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        for (ExponentialHistogramDataPoint p :
            metric.getExponentialHistogram().getDataPointsList()) {
          out.add(
              Map.entry(
                  p.getAttributesList(),
                  new Raw(
                      p.getTimeUnixNano(),
                      p.getStartTimeUnixNano(),
                      delta,
                      0,
                      exponentialBuckets(p),
                      p.hasMin() ? p.getMin() : null,
                      p.hasMax() ? p.getMax() : null,
                      null,
                      n++)));
        }
      }
      case SUMMARY -> {
        for (SummaryDataPoint p : metric.getSummary().getDataPointsList()) {
          Map<Double, Double> quantiles = new TreeMap<>();
          for (SummaryDataPoint.ValueAtQuantile q : p.getQuantileValuesList()) {
            if (quantiles.size() < 16) {
              quantiles.put(q.getQuantile(), q.getValue());
            }
          }
          out.add(
              Map.entry(
                  p.getAttributesList(),
                  new Raw(
                      p.getTimeUnixNano(),
                      p.getStartTimeUnixNano(),
                      false,
                      0,
                      null,
                      null,
                      null,
                      quantiles,
                      n++)));
        }
      }
      case DATA_NOT_SET -> {}
    }
    return out;
  }

  private static Raw number(NumberDataPoint p, boolean delta, long arrival) {
    double value =
        p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? p.getAsInt() : p.getAsDouble();
    return new Raw(
        p.getTimeUnixNano(),
        p.getStartTimeUnixNano(),
        delta,
        value,
        null,
        null,
        null,
        null,
        arrival);
  }

  /** The buckets of an explicit-bucket histogram point, or null if its counts do not fit. */
  static @Nullable List<Bucket> explicitBuckets(HistogramDataPoint p) {
    int n = p.getExplicitBoundsCount();
    if (p.getBucketCountsCount() != n + 1) {
      return null;
    }
    List<Bucket> buckets = new ArrayList<>(n + 1);
    for (int i = 0; i <= n; i++) {
      double lower = i == 0 ? Double.NEGATIVE_INFINITY : p.getExplicitBounds(i - 1);
      double upper = i == n ? Double.POSITIVE_INFINITY : p.getExplicitBounds(i);
      buckets.add(new Bucket(lower, upper, p.getBucketCounts(i)));
    }
    return buckets;
  }

  /** The buckets of an exponential histogram point, lowest first. */
  static List<Bucket> exponentialBuckets(ExponentialHistogramDataPoint p) {
    double step = Math.pow(2, -p.getScale()); // log2 of the base
    List<Bucket> buckets = new ArrayList<>();
    ExponentialHistogramDataPoint.Buckets negative = p.getNegative();
    for (int i = negative.getBucketCountsCount() - 1; i >= 0; i--) {
      long index = (long) negative.getOffset() + i;
      buckets.add(
          new Bucket(
              -Math.pow(2, (index + 1) * step),
              -Math.pow(2, index * step),
              negative.getBucketCounts(i)));
    }
    if (p.getZeroCount() > 0) {
      buckets.add(new Bucket(0, 0, p.getZeroCount()));
    }
    ExponentialHistogramDataPoint.Buckets positive = p.getPositive();
    for (int i = 0; i < positive.getBucketCountsCount(); i++) {
      long index = (long) positive.getOffset() + i;
      buckets.add(
          new Bucket(
              Math.pow(2, index * step),
              Math.pow(2, (index + 1) * step),
              positive.getBucketCounts(i)));
    }
    return buckets;
  }

  /** The points by time (stable), a point sent again with the same times kept once (the last). */
  private static List<Raw> ordered(List<Raw> points) {
    List<Raw> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingLong(Raw::time).thenComparingLong(Raw::arrival));
    List<Raw> out = new ArrayList<>();
    for (Raw p : sorted) {
      if (!out.isEmpty()
          && out.getLast().time() == p.time()
          && out.getLast().start() == p.start()) {
        out.set(out.size() - 1, p);
      } else {
        out.add(p);
      }
    }
    return out;
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** Per-second rates of a monotonic sum. */
  static List<Point> rates(List<Raw> points) {
    List<Point> out = new ArrayList<>();
    Raw previous = null;
    for (Raw p : points) {
      Double rate = null;
      if (p.delta()) {
        if (p.start() > 0 && p.time() > p.start()) {
          rate = p.value() / seconds(p.time() - p.start());
        } else if (previous != null && p.time() > previous.time()) {
          rate = p.value() / seconds(p.time() - previous.time());
        }
      } else if (previous != null
          && p.start() == previous.start()
          && p.value() >= previous.value()
          && p.time() > previous.time()) {
        rate = (p.value() - previous.value()) / seconds(p.time() - previous.time());
      } else if (p.start() > 0 && p.time() > p.start()) {
        rate = p.value() / seconds(p.time() - p.start()); // the first point, or after a reset
      }
      if (rate != null && Double.isFinite(rate)) {
        out.add(new Point(millis(p.time()), rate));
      }
      previous = p;
    }
    return out;
  }

  /** The values of a gauge. */
  private static List<Point> values(List<Raw> points) {
    return points.stream().map(p -> new Point(millis(p.time()), p.value())).toList();
  }

  /** The levels of an up-down counter: its values, or the running total of delta points. */
  private static List<Point> levels(List<Raw> points) {
    List<Point> out = new ArrayList<>();
    double total = 0;
    for (Raw p : points) {
      total = p.delta() ? total + p.value() : p.value();
      out.add(new Point(millis(p.time()), total));
    }
    return out;
  }

  /** p50, p90 and p99 lines of a histogram series. */
  private static List<List<Point>> percentiles(List<Raw> points) {
    List<List<Point>> lines = new ArrayList<>();
    for (int q = 0; q < PERCENTILES.length; q++) {
      lines.add(new ArrayList<>());
    }
    Raw previous = null;
    for (Raw p : points) {
      List<Bucket> buckets = p.buckets();
      if (buckets == null) {
        continue;
      }
      List<Bucket> interval = buckets;
      if (!p.delta() && previous != null && previous.start() == p.start()) {
        List<Bucket> difference = subtract(buckets, previous.buckets());
        if (difference != null) {
          interval = difference;
        }
      }
      previous = p;
      for (int q = 0; q < PERCENTILES.length; q++) {
        Double value = quantile(interval, PERCENTILES[q], p.min(), p.max());
        if (value != null) {
          lines.get(q).add(new Point(millis(p.time()), value));
        }
      }
    }
    return lines;
  }

  /**
   * The observations of {@code later} that {@code earlier} does not hold, or null if {@code later}
   * is not {@code earlier} plus observations (a reset, or other buckets).
   */
  static @Nullable List<Bucket> subtract(List<Bucket> later, @Nullable List<Bucket> earlier) {
    if (earlier == null) {
      return null;
    }
    Map<List<Double>, Long> before = new HashMap<>();
    for (Bucket b : earlier) {
      if (b.count() != 0) {
        before.put(List.of(b.lower(), b.upper()), b.count());
      }
    }
    List<Bucket> out = new ArrayList<>(later.size());
    for (Bucket b : later) {
      Long was = before.remove(List.of(b.lower(), b.upper()));
      long count = b.count() - (was == null ? 0 : was);
      if (count < 0) {
        return null;
      }
      out.add(new Bucket(b.lower(), b.upper(), count));
    }
    return before.isEmpty() ? out : null;
  }

  /**
   * Estimates a quantile from bucket counts: the bucket that holds rank {@code q * total}, and a
   * linear interpolation within it. Open ends are closed by {@code min} and {@code max} if given,
   * else at 0 (below) or at the finite bound; the estimate stays within {@code [min, max]}.
   *
   * @return the estimate, or null if the buckets hold no observation
   */
  static @Nullable Double quantile(
      List<Bucket> buckets, double q, @Nullable Double min, @Nullable Double max) {
    long total = 0;
    for (Bucket b : buckets) {
      total += Math.max(0, b.count());
    }
    if (total == 0) {
      return null;
    }
    double rank = q * total;
    long below = 0;
    for (Bucket b : buckets) {
      if (b.count() <= 0) {
        continue;
      }
      if (below + b.count() >= rank) {
        double lower = b.lower();
        double upper = b.upper();
        if (lower == Double.NEGATIVE_INFINITY) {
          lower = min != null ? min : upper > 0 ? 0 : upper;
        }
        if (upper == Double.POSITIVE_INFINITY) {
          upper = max != null ? max : lower;
        }
        if (min != null) {
          lower = Math.max(lower, min);
          upper = Math.max(upper, min);
        }
        if (max != null) {
          lower = Math.min(lower, max);
          upper = Math.min(upper, max);
        }
        double value = lower + (upper - lower) * ((rank - below) / b.count());
        return Double.isFinite(value) ? value : null;
      }
      below += b.count();
    }
    return null;
  }

  /** {@code p50}, {@code p99.9}; {@code min} for 0 and {@code max} for 1. */
  static String quantileName(double q) {
    if (q == 0) {
      return "min";
    }
    if (q == 1) {
      return "max";
    }
    double percent = q * 100;
    return "p"
        + (percent == Math.rint(percent)
            ? Long.toString((long) percent)
            : String.format(Locale.ROOT, "%.4g", percent).replaceAll("\\.?0+$", ""));
  }

  /** Attributes as {@code k=v, k2=v2} (display values), or "" if none. */
  static String label(List<KeyValue> attributes) {
    StringBuilder out = new StringBuilder();
    for (KeyValue attribute : attributes) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(attribute.getKey()).append('=').append(Json.display(attribute.getValue()));
      if (out.length() > Json.MAX_TEXT_CHARS) {
        break;
      }
    }
    return Json.cut(out.toString(), Json.MAX_TEXT_CHARS);
  }

  private static List<Point> newest(List<Point> points) {
    return points.size() <= MAX_POINTS
        ? List.copyOf(points)
        : List.copyOf(points.subList(points.size() - MAX_POINTS, points.size()));
  }
}
