package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Trimming an export to its newest items: {@link MetricBatches} and {@link LogBatches}. */
class BatchKindTest {
  private static final long NO_BYTE_LIMIT = Long.MAX_VALUE;

  /** A batch of one scope with a sum, a histogram, an exponential histogram and a summary. */
  private static ResourceMetrics everyKind(int pointsEach) {
    Sum.Builder sum = Sum.newBuilder();
    Histogram.Builder histogram = Histogram.newBuilder();
    ExponentialHistogram.Builder exponential = ExponentialHistogram.newBuilder();
    Summary.Builder summary = Summary.newBuilder();
    for (int i = 0; i < pointsEach; i++) {
      sum.addDataPoints(
          io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder().setTimeUnixNano(i));
      histogram.addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(i));
      exponential.addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(i));
      summary.addDataPoints(SummaryDataPoint.newBuilder().setTimeUnixNano(i));
    }
    return ResourceMetrics.newBuilder()
        .addScopeMetrics(
            ScopeMetrics.newBuilder()
                .addMetrics(Metric.newBuilder().setName("sum").setSum(sum))
                .addMetrics(Metric.newBuilder().setName("histogram").setHistogram(histogram))
                .addMetrics(
                    Metric.newBuilder().setName("exponential").setExponentialHistogram(exponential))
                .addMetrics(Metric.newBuilder().setName("summary").setSummary(summary)))
        .build();
  }

  /** Metric name to the time stamps of its points, over all batches. */
  private static Map<String, List<Long>> times(List<BatchKind.Sized<ResourceMetrics>> batches) {
    return batches.stream()
        .flatMap(b -> b.batch().getScopeMetricsList().stream())
        .flatMap(s -> s.getMetricsList().stream())
        .collect(
            Collectors.toMap(
                Metric::getName,
                m ->
                    switch (m.getDataCase()) {
                      case SUM ->
                          m.getSum().getDataPointsList().stream()
                              .map(p -> p.getTimeUnixNano())
                              .toList();
                      case HISTOGRAM ->
                          m.getHistogram().getDataPointsList().stream()
                              .map(HistogramDataPoint::getTimeUnixNano)
                              .toList();
                      case EXPONENTIAL_HISTOGRAM ->
                          m.getExponentialHistogram().getDataPointsList().stream()
                              .map(ExponentialHistogramDataPoint::getTimeUnixNano)
                              .toList();
                      case SUMMARY ->
                          m.getSummary().getDataPointsList().stream()
                              .map(SummaryDataPoint::getTimeUnixNano)
                              .toList();
                      default -> List.of();
                    }));
  }

  @Test
  void aBatchThatFitsIsKeptAsItIs() {
    ResourceMetrics batch = everyKind(5);

    BatchKind.Trimmed<ResourceMetrics> trimmed =
        MetricBatches.INSTANCE.keepNewest(List.of(batch), 20, NO_BYTE_LIMIT);

    assertThat(trimmed.batches()).extracting(BatchKind.Sized::batch).containsExactly(batch);
    assertThat(trimmed.batches().getFirst().items()).isEqualTo(20);
    assertThat(trimmed.droppedItems()).isZero();
    assertThat(trimmed.droppedBytes()).isZero();
  }

  @Test
  void everyKindOfPointIsTrimmedOldestFirst() {
    // given a batch of 4 metrics of 5 points each, when trimmed to 12 points
    BatchKind.Trimmed<ResourceMetrics> trimmed =
        MetricBatches.INSTANCE.keepNewest(List.of(everyKind(5)), 12, NO_BYTE_LIMIT);

    // then the sum (first) goes, the histogram keeps its last 2 points, the others all 5
    assertThat(times(trimmed.batches()))
        .containsOnly(
            Map.entry("histogram", List.of(3L, 4L)),
            Map.entry("exponential", List.of(0L, 1L, 2L, 3L, 4L)),
            Map.entry("summary", List.of(0L, 1L, 2L, 3L, 4L)));
    assertThat(trimmed.droppedItems()).isEqualTo(8);
    assertThat(trimmed.droppedBytes()).isPositive();
    assertThat(trimmed.batches().getFirst().items()).isEqualTo(12);
  }

  @Test
  void trimmingToBytesKeepsTheLongestSuffixThatFits() {
    // given two batches, and a byte limit between the size of the second and of both
    ResourceMetrics first = everyKind(50);
    ResourceMetrics second = everyKind(50);
    long secondAlone = MetricBatches.INSTANCE.bytes(second) + BatchKind.ENTRY_OVERHEAD;
    long limit = secondAlone + 1_000;

    // when trimmed
    BatchKind.Trimmed<ResourceMetrics> trimmed =
        MetricBatches.INSTANCE.keepNewest(List.of(first, second), 1_000, limit);

    // then the second is whole, the first keeps its last points, and one more would not fit
    List<BatchKind.Sized<ResourceMetrics>> kept = trimmed.batches();
    assertThat(kept).hasSize(2);
    assertThat(kept.get(1).batch()).isEqualTo(second);
    long bytes = kept.get(0).bytes() + kept.get(1).bytes();
    assertThat(bytes).isLessThanOrEqualTo(limit);
    int keptOfFirst = kept.get(0).items();
    assertThat(keptOfFirst).isBetween(1, 199);
    BatchKind.Trimmed<ResourceMetrics> oneMore =
        MetricBatches.INSTANCE.keepNewest(
            List.of(first, second), 200 + keptOfFirst + 1, NO_BYTE_LIMIT);
    assertThat(oneMore.batches().getFirst().items()).isEqualTo(keptOfFirst + 1);
    assertThat(oneMore.batches().getFirst().bytes() + secondAlone).isGreaterThan(limit);
    assertThat(trimmed.droppedItems()).isEqualTo(200 - keptOfFirst);
  }

  @Test
  void whenNothingFitsNothingIsKept() {
    // given a batch whose resource alone is larger than the limit
    ResourceMetrics batch =
        everyKind(1).toBuilder().setResource(TestTelemetry.resource("x".repeat(10_000))).build();

    BatchKind.Trimmed<ResourceMetrics> trimmed =
        MetricBatches.INSTANCE.keepNewest(List.of(batch), 100, 5_000);

    assertThat(trimmed.batches()).isEmpty();
    assertThat(trimmed.droppedItems()).isEqualTo(4);
    assertThat(trimmed.droppedBytes())
        .isEqualTo(MetricBatches.INSTANCE.bytes(batch) + BatchKind.ENTRY_OVERHEAD);
  }

  @Test
  void logRecordsAreTrimmedAcrossScopesAndEmptyScopesBeforeTheCutGo() {
    // given a batch: scope a (3 records), an empty scope, scope b (3 records)
    ResourceLogs batch =
        ResourceLogs.newBuilder()
            .addScopeLogs(scope("a", 3))
            .addScopeLogs(ScopeLogs.getDefaultInstance())
            .addScopeLogs(scope("b", 3))
            .build();

    // when trimmed to 2 records
    BatchKind.Trimmed<ResourceLogs> trimmed =
        LogBatches.INSTANCE.keepNewest(List.of(batch), 2, NO_BYTE_LIMIT);

    // then only b's last two remain
    ResourceLogs kept = trimmed.batches().getFirst().batch();
    assertThat(kept.getScopeLogsList()).hasSize(1);
    assertThat(kept.getScopeLogs(0).getLogRecordsList())
        .extracting(r -> r.getBody().getStringValue())
        .containsExactly("b1", "b2");
    assertThat(trimmed.droppedItems()).isEqualTo(4);
  }

  private static ScopeLogs scope(String name, int records) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    scope.getScopeBuilder().setName(name);
    for (int i = 0; i < records; i++) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setBody(
                  io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue(name + i)));
    }
    return scope.build();
  }
}
