package dev.shuttle.receiver.viewer;

import static dev.shuttle.receiver.viewer.Otlp.attr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Metrics as charts: rates, lines and percentiles worked out by hand. */
class MetricSeriesTest {
  private static final AggregationTemporality CUMULATIVE =
      AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
  private static final AggregationTemporality DELTA =
      AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;

  /** Seconds from the tests' epoch, in nanoseconds since the Unix epoch. */
  private static long s(double seconds) {
    return Otlp.ms(seconds * 1000);
  }

  private static double millis(double seconds) {
    return s(seconds) / 1e6;
  }

  private static NumberDataPoint point(double start, double time, long value) {
    return NumberDataPoint.newBuilder()
        .setStartTimeUnixNano(s(start))
        .setTimeUnixNano(s(time))
        .setAsInt(value)
        .build();
  }

  /** One export per metric message, as an SDK sends them over time. */
  private static List<ResourceMetrics> exports(String service, Metric... metrics) {
    List<ResourceMetrics> batches = new ArrayList<>();
    for (Metric metric : metrics) {
      batches.add(
          ResourceMetrics.newBuilder()
              .setResource(Otlp.resource(service))
              .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(metric))
              .build());
    }
    return batches;
  }

  private static Metric sum(
      String name, boolean monotonic, AggregationTemporality t, NumberDataPoint... points) {
    return Metric.newBuilder()
        .setName(name)
        .setUnit("{job}")
        .setSum(
            Sum.newBuilder()
                .setIsMonotonic(monotonic)
                .setAggregationTemporality(t)
                .addAllDataPoints(List.of(points)))
        .build();
  }

  private static List<Double> values(MetricSeries.Series series) {
    return series.points().stream().map(MetricSeries.Point::value).toList();
  }

  @Test
  void aCumulativeCounterIsChartedAsRatesAcrossAReset() {
    // given: started at 1000 s; 10 at 1001 s, 30 at 1003 s, 30 at 1004 s; then a restart at
    // 1004.5 s and 5 at 1005 s. Rates: 10/1, (30-10)/2, 0/1, 5/0.5 per second.
    List<ResourceMetrics> batches =
        exports(
            "shop",
            sum("jobs", true, CUMULATIVE, point(1000, 1001, 10)),
            sum("jobs", true, CUMULATIVE, point(1000, 1003, 30)),
            sum("jobs", true, CUMULATIVE, point(1000, 1004, 30)),
            sum("jobs", true, CUMULATIVE, point(1004.5, 1005, 5)));

    // when
    MetricSeries.Chart chart = MetricSeries.chart(batches, "jobs", "shop");

    // then
    assertThat(chart).isNotNull();
    assertThat(chart.display()).isEqualTo(MetricSeries.Display.RATE);
    assertThat(chart.type()).isEqualTo("sum");
    assertThat(chart.unit()).isEqualTo("{job}");
    assertThat(chart.series()).hasSize(1);
    MetricSeries.Series series = chart.series().getFirst();
    assertThat(series.label()).isEqualTo("jobs"); // no attributes: the metric's name
    assertThat(values(series)).containsExactly(10.0, 10.0, 0.0, 10.0);
    assertThat(series.points().getFirst().timeUnixMillis()).isEqualTo(millis(1001));
  }

  @Test
  void aDeltaCounterIsEachPointOverItsOwnInterval() {
    List<ResourceMetrics> batches =
        exports(
            "shop",
            sum("jobs", true, DELTA, point(1000, 1002, 8)),
            sum("jobs", true, DELTA, point(1002, 1004, 2)));
    MetricSeries.Chart chart = MetricSeries.chart(batches, "jobs", null);
    assertThat(values(chart.series().getFirst())).containsExactly(4.0, 1.0);
  }

  @Test
  void gaugesAndUpDownCountersAreLinesAndADeltaUpDownCounterIsItsRunningTotal() {
    List<ResourceMetrics> batches =
        exports(
            "shop",
            Metric.newBuilder()
                .setName("queue")
                .setGauge(
                    Gauge.newBuilder()
                        .addDataPoints(point(0, 1001, 3))
                        .addDataPoints(point(0, 1000, 7)))
                .build(),
            sum("active", false, CUMULATIVE, point(1000, 1001, 2)),
            sum("active", false, CUMULATIVE, point(1000, 1002, 1)),
            sum("delta", false, DELTA, point(1000, 1001, 2)),
            sum("delta", false, DELTA, point(1001, 1002, -1)),
            sum("delta", false, DELTA, point(1002, 1003, 4)));

    // then: points by time; levels as sent; a delta's running total 2, 1, 5
    MetricSeries.Chart queue = MetricSeries.chart(batches, "queue", "shop");
    assertThat(queue.display()).isEqualTo(MetricSeries.Display.LINE);
    assertThat(values(queue.series().getFirst())).containsExactly(7.0, 3.0);
    MetricSeries.Chart active = MetricSeries.chart(batches, "active", "shop");
    assertThat(active.display()).isEqualTo(MetricSeries.Display.LINE);
    assertThat(values(active.series().getFirst())).containsExactly(2.0, 1.0);
    assertThat(values(MetricSeries.chart(batches, "delta", "shop").series().getFirst()))
        .containsExactly(2.0, 1.0, 5.0);
  }

  @Test
  void seriesAreOnePerAttributeSetWhateverTheOrderOfTheAttributes() {
    NumberDataPoint ab =
        point(1000, 1001, 1).toBuilder()
            .addAttributes(attr("a", "1"))
            .addAttributes(attr("b", "2"))
            .build();
    NumberDataPoint ba =
        point(1000, 1002, 2).toBuilder()
            .addAttributes(attr("b", "2"))
            .addAttributes(attr("a", "1"))
            .build();
    NumberDataPoint other = point(1000, 1002, 5).toBuilder().addAttributes(attr("a", "9")).build();
    List<ResourceMetrics> batches =
        exports(
            "shop",
            Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder().addDataPoints(ab)).build(),
            Metric.newBuilder()
                .setName("g")
                .setGauge(Gauge.newBuilder().addDataPoints(ba).addDataPoints(other))
                .build());
    MetricSeries.Chart chart = MetricSeries.chart(batches, "g", "shop");
    assertThat(chart.series())
        .extracting(MetricSeries.Series::label)
        .containsExactly("a=1, b=2", "a=9");
    assertThat(values(chart.series().getFirst())).containsExactly(1.0, 2.0);
    assertThat(MetricSeries.chart(batches, "g", "other-service")).isNull();
    assertThat(MetricSeries.chart(batches, "nope", null)).isNull();
  }

  private static HistogramDataPoint histogram(double time, List<Long> counts, List<Double> bounds) {
    return HistogramDataPoint.newBuilder()
        .setStartTimeUnixNano(s(1000))
        .setTimeUnixNano(s(time))
        .addAllExplicitBounds(bounds)
        .addAllBucketCounts(counts)
        .setCount(counts.stream().mapToLong(Long::longValue).sum())
        .build();
  }

  private static Metric histogramMetric(AggregationTemporality t, HistogramDataPoint point) {
    return Metric.newBuilder()
        .setName("duration")
        .setUnit("ms")
        .setHistogram(Histogram.newBuilder().setAggregationTemporality(t).addDataPoints(point))
        .build();
  }

  @Test
  void aCumulativeHistogramIsChartedAsPercentilesOfEachInterval() {
    // given: bounds 10, 20, 50. First 10 observations in (10, 20]; then 10 more in (20, 50]; then
    // none. p50 of the first interval: 10 + 10 * 5/10 = 15; p90: 19; p99: 19.9. Of the second
    // interval (the difference): 20 + 30 * 0.5 = 35; 47; 49.7. The third interval is empty.
    List<Double> bounds = List.of(10.0, 20.0, 50.0);
    List<ResourceMetrics> batches =
        exports(
            "shop",
            histogramMetric(CUMULATIVE, histogram(1001, List.of(0L, 10L, 0L, 0L), bounds)),
            histogramMetric(CUMULATIVE, histogram(1002, List.of(0L, 10L, 10L, 0L), bounds)),
            histogramMetric(CUMULATIVE, histogram(1003, List.of(0L, 10L, 10L, 0L), bounds)));

    // when
    MetricSeries.Chart chart = MetricSeries.chart(batches, "duration", "shop");

    // then
    assertThat(chart.display()).isEqualTo(MetricSeries.Display.PERCENTILES);
    assertThat(chart.series())
        .extracting(MetricSeries.Series::label)
        .containsExactly("p50", "p90", "p99");
    assertThat(values(chart.series().get(0)))
        .satisfiesExactly(
            v -> assertThat(v).isCloseTo(15, within(1e-9)),
            v -> assertThat(v).isCloseTo(35, within(1e-9)));
    assertThat(values(chart.series().get(1)))
        .satisfiesExactly(
            v -> assertThat(v).isCloseTo(19, within(1e-9)),
            v -> assertThat(v).isCloseTo(47, within(1e-9)));
    assertThat(values(chart.series().get(2)))
        .satisfiesExactly(
            v -> assertThat(v).isCloseTo(19.9, within(1e-9)),
            v -> assertThat(v).isCloseTo(49.7, within(1e-9)));
  }

  @Test
  void theOpenBucketsAreClosedByMinAndMax() {
    // given: 4 observations above 10, the smallest 12 and the largest 30: the bucket is [12, 30],
    // so p50 = 12 + (30 - 12) * 0.5
    HistogramDataPoint point =
        histogram(1001, List.of(0L, 4L), List.of(10.0)).toBuilder().setMin(12).setMax(30).build();
    MetricSeries.Chart chart =
        MetricSeries.chart(exports("shop", histogramMetric(DELTA, point)), "duration", "shop");
    assertThat(values(chart.series().getFirst())).containsExactly(21.0);
    // and without max, an open upper bucket gives its finite bound
    assertThat(
            MetricSeries.quantile(
                List.of(new MetricSeries.Bucket(10, Double.POSITIVE_INFINITY, 4)), 0.5, null, null))
        .isEqualTo(10.0);
    // and below the first bound without min: from 0
    assertThat(
            MetricSeries.quantile(
                List.of(new MetricSeries.Bucket(Double.NEGATIVE_INFINITY, 10, 2)), 0.5, null, null))
        .isEqualTo(5.0);
    assertThat(MetricSeries.quantile(List.of(new MetricSeries.Bucket(0, 1, 0)), 0.5, null, null))
        .isNull();
  }

  @Test
  void anExponentialHistogramIsApproximatedFromItsBuckets() {
    // given: scale 0 (base 2): bucket index 0 is (1, 2], index 1 (2, 4]; 4 observations in each,
    // and 2 zeros. In order: zeros (2), (1, 2] (4), (2, 4] (4). p50, rank 5 of 10, is the third
    // of four in (1, 2]: 1 + 1 * 3/4 = 1.75; p90, rank 9, the third of four in (2, 4]: 2 + 2 * 3/4.
    ExponentialHistogramDataPoint point =
        ExponentialHistogramDataPoint.newBuilder()
            .setTimeUnixNano(s(1001))
            .setScale(0)
            .setZeroCount(2)
            .setCount(10)
            .setPositive(
                ExponentialHistogramDataPoint.Buckets.newBuilder()
                    .setOffset(0)
                    .addBucketCounts(4)
                    .addBucketCounts(4))
            .build();
    Metric metric =
        Metric.newBuilder()
            .setName("exp")
            .setExponentialHistogram(
                ExponentialHistogram.newBuilder()
                    .setAggregationTemporality(DELTA)
                    .addDataPoints(point))
            .build();
    MetricSeries.Chart chart = MetricSeries.chart(exports("shop", metric), "exp", "shop");
    assertThat(chart.type()).isEqualTo("exp_histogram");
    assertThat(values(chart.series().get(0))).containsExactly(1.75);
    assertThat(values(chart.series().get(1))).containsExactly(3.5);
    assertThat(MetricSeries.exponentialBuckets(point))
        .containsExactly(
            new MetricSeries.Bucket(0, 0, 2),
            new MetricSeries.Bucket(1, 2, 4),
            new MetricSeries.Bucket(2, 4, 4));
  }

  @Test
  void aSummaryIsALinePerQuantile() {
    SummaryDataPoint point =
        SummaryDataPoint.newBuilder()
            .setTimeUnixNano(s(1001))
            .addQuantileValues(
                SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(3))
            .addQuantileValues(
                SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(1).setValue(9))
            .build();
    Metric metric =
        Metric.newBuilder()
            .setName("sum")
            .setSummary(Summary.newBuilder().addDataPoints(point))
            .build();
    MetricSeries.Chart chart = MetricSeries.chart(exports("shop", metric), "sum", "shop");
    assertThat(chart.series()).extracting(MetricSeries.Series::label).containsExactly("p50", "max");
    assertThat(values(chart.series().get(1))).containsExactly(9.0);
    assertThat(MetricSeries.quantileName(0.999)).isEqualTo("p99.9");
    assertThat(MetricSeries.quantileName(0)).isEqualTo("min");
  }

  @Test
  void theCatalogueListsEachInstrumentOfEachServiceOnceWithItsAttributeSets() {
    List<ResourceMetrics> batches = new ArrayList<>();
    batches.addAll(
        exports(
            "shop",
            sum(
                "jobs",
                true,
                CUMULATIVE,
                point(1000, 1001, 1).toBuilder().addAttributes(attr("k", "a")).build()),
            sum(
                "jobs",
                true,
                CUMULATIVE,
                point(1000, 1002, 2).toBuilder().addAttributes(attr("k", "b")).build()),
            histogramMetric(DELTA, histogram(1001, List.of(1L), List.of()))));
    batches.addAll(exports("billing", sum("jobs", true, CUMULATIVE, point(1000, 1001, 1))));

    List<MetricSeries.Instrument> catalogue = MetricSeries.catalogue(batches);

    assertThat(catalogue)
        .extracting(
            MetricSeries.Instrument::name,
            MetricSeries.Instrument::service,
            MetricSeries.Instrument::type,
            MetricSeries.Instrument::monotonic,
            MetricSeries.Instrument::seriesCount)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("duration", "shop", "histogram", false, 1),
            org.assertj.core.groups.Tuple.tuple("jobs", "billing", "sum", true, 1),
            org.assertj.core.groups.Tuple.tuple("jobs", "shop", "sum", true, 2));
  }

  @Test
  void seriesOfSeveralServicesAreTold() {
    List<ResourceMetrics> batches = new ArrayList<>();
    batches.addAll(exports("shop", sum("jobs", false, CUMULATIVE, point(1000, 1001, 1))));
    batches.addAll(exports("billing", sum("jobs", false, CUMULATIVE, point(1000, 1001, 2))));
    assertThat(MetricSeries.chart(batches, "jobs", null).series())
        .extracting(MetricSeries.Series::label)
        .containsExactly("shop: jobs", "billing: jobs");
  }
}
