package dev.shuttle.receiver.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsPrinterTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong nanos = new AtomicLong(0);
  private final ByteArrayOutputStream printedBytes = new ByteArrayOutputStream();
  private final MetricsPrinter printer =
      MetricsPrinter.create(
          new PrintStream(printedBytes, true, StandardCharsets.UTF_8),
          MetricsRenderer.plain(),
          nanos::get);

  /** Returns what was printed since the last call. */
  private String printed() {
    String text = printedBytes.toString(StandardCharsets.UTF_8);
    printedBytes.reset();
    return text;
  }

  /** An export of {@code requests.count}, one point per route, cumulative. */
  private static List<ResourceMetrics> requests(long pay, long cart) {
    Sum.Builder sum =
        Sum.newBuilder()
            .setIsMonotonic(true)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            .addDataPoints(point("/pay", pay))
            .addDataPoints(point("/cart", cart));
    return List.of(
        ResourceMetrics.newBuilder()
            .setResource(
                Resource.newBuilder()
                    .addAttributes(TraceRendererTest.attribute("service.name", "shop")))
            .addScopeMetrics(
                ScopeMetrics.newBuilder()
                    .setScope(InstrumentationScope.newBuilder().setName("shop"))
                    .addMetrics(Metric.newBuilder().setName("requests.count").setSum(sum)))
            .build());
  }

  private static NumberDataPoint point(String route, long value) {
    return NumberDataPoint.newBuilder()
        .setStartTimeUnixNano(1)
        .setTimeUnixNano(value * 7) // times differ between exports; they are not changes
        .setAsInt(value)
        .addAttributes(
            KeyValue.newBuilder()
                .setKey("route")
                .setValue(AnyValue.newBuilder().setStringValue(route)))
        .build();
  }

  @Test
  void theFirstExportIsPrintedWhole() {
    // when
    printer.onMetrics(requests(1, 2));

    // then
    assertThat(printed())
        .isEqualTo(
            """
            -- metrics
            service shop
              requests.count  sum monotonic cumulative
                {route=/pay} 1
                {route=/cart} 2
            """);
  }

  @Test
  void onlyChangedPointsArePrintedAndNotMoreOftenThanEvery10Seconds() {
    // given
    printer.onMetrics(requests(1, 2));
    printed();

    // when: the same values again, then changes sooner than 10 s after the last block
    nanos.addAndGet(SECOND);
    printer.onMetrics(requests(1, 2));
    String unchanged = printed();
    nanos.addAndGet(SECOND);
    printer.onMetrics(requests(3, 2));
    String tooSoon = printed();
    nanos.addAndGet(SECOND);
    printer.onMetrics(requests(4, 2));
    String stillTooSoon = printed();
    nanos.addAndGet(7 * SECOND); // 10 s since the last block
    printer.onMetrics(requests(5, 2));

    // then: one block, with the changed point's latest value only
    assertThat(unchanged).isEmpty();
    assertThat(tooSoon).isEmpty();
    assertThat(stillTooSoon).isEmpty();
    assertThat(printed())
        .isEqualTo(
            """
            -- metrics
            service shop
              requests.count  sum monotonic cumulative
                {route=/pay} 5
            """);
  }

  @Test
  void flushPrintsTheChangesNotPrintedYetAndNothingWhenThereAreNone() {
    // given: a change that waits for the next block
    printer.onMetrics(requests(1, 2));
    printed();
    nanos.addAndGet(SECOND);
    printer.onMetrics(requests(1, 9));
    assertThat(printed()).isEmpty();

    // when
    printer.flush();
    String flushed = printed();
    printer.flush();

    // then
    assertThat(flushed).endsWith("    {route=/cart} 9\n").doesNotContain("/pay");
    assertThat(printed()).isEmpty();
  }

  @Test
  void aValueBackToWhatWasPrintedIsNoLongerAChange() {
    // given
    printer.onMetrics(requests(1, 2));
    printed();
    nanos.addAndGet(SECOND);
    printer.onMetrics(requests(3, 2));

    // when
    nanos.addAndGet(SECOND);
    printer.onMetrics(requests(1, 2));
    printer.flush();

    // then
    assertThat(printed()).isEmpty();
  }

  @Test
  void linesFitTheRenderersWidth() {
    // given
    MetricsPrinter narrow =
        MetricsPrinter.create(
            new PrintStream(printedBytes, true, StandardCharsets.UTF_8),
            MetricsRenderer.plain().withWidth(40),
            nanos::get);

    // when
    narrow.onMetrics(requests(1, 2));

    // then
    assertThat(printed().lines())
        .contains("  requests.co…  sum monotonic cumulative", "    {route=/pay} 1")
        .allSatisfy(line -> assertThat(Columns.of(line)).isLessThanOrEqualTo(40));
  }
}
