package dev.shuttle.receiver.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsRendererTest {

  @Test
  void rendersNameTypeUnitAndDataPoints() {
    ResourceMetrics batch =
        ResourceMetrics.newBuilder()
            .setResource(
                Resource.newBuilder()
                    .addAttributes(TraceRendererTest.attribute("service.name", "shop")))
            .addScopeMetrics(
                ScopeMetrics.newBuilder()
                    .addMetrics(
                        Metric.newBuilder()
                            .setName("jobs.processed")
                            .setUnit("1")
                            .setDescription("jobs done")
                            .setSum(
                                Sum.newBuilder()
                                    .setIsMonotonic(true)
                                    .setAggregationTemporality(
                                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                                    .addDataPoints(
                                        NumberDataPoint.newBuilder()
                                            .setAsInt(42)
                                            .addAttributes(
                                                TraceRendererTest.attribute("pool", "io")))))
                    .addMetrics(
                        Metric.newBuilder()
                            .setName("load")
                            .setGauge(
                                Gauge.newBuilder()
                                    .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(0.75))))
                    .addMetrics(
                        Metric.newBuilder()
                            .setName("job.duration")
                            .setUnit("ms")
                            .setHistogram(
                                Histogram.newBuilder()
                                    .setAggregationTemporality(
                                        AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                                    .addDataPoints(
                                        HistogramDataPoint.newBuilder()
                                            .setCount(3)
                                            .setSum(12.5)
                                            .setMin(1)
                                            .setMax(7)))))
            .build();

    String text = MetricsRenderer.plain().render(List.of(batch));

    assertThat(text)
        .isEqualTo(
            """
            service shop
              jobs.processed  sum monotonic cumulative  unit 1  — jobs done
                {pool=io} 42
              load  gauge
                0.7500
              job.duration  histogram delta  unit ms
                count=3 sum=12.50 min=1 max=7
            """);
  }

  private static ResourceMetrics queueWaits() {
    return ResourceMetrics.newBuilder()
        .setResource(
            Resource.newBuilder()
                .addAttributes(TraceRendererTest.attribute("service.name", "shuttle-demo")))
        .addScopeMetrics(
            ScopeMetrics.newBuilder()
                .addMetrics(
                    Metric.newBuilder()
                        .setName("worker_pool.queue.wait_duration")
                        .setUnit("s")
                        .setDescription("How long jobs waited between acceptance and start.")
                        .setHistogram(
                            Histogram.newBuilder()
                                .setAggregationTemporality(
                                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                                .addDataPoints(
                                    HistogramDataPoint.newBuilder()
                                        .setCount(10)
                                        .setSum(0.07626)
                                        .setMin(0.000001212)
                                        .setMax(0.02659)
                                        .addAttributes(
                                            TraceRendererTest.attribute(
                                                "worker_pool.name", "bounded-pool"))
                                        .addAttributes(
                                            TraceRendererTest.attribute(
                                                "worker_pool.type", "bounded"))
                                        .addAttributes(
                                            TraceRendererTest.attribute(
                                                "last.wait_ns", 26_592_940L))))))
        .build();
  }

  @Test
  void linesFitTheWidthElidingDescriptionsAndAttributesButNeverValues() {
    // when
    String text = MetricsRenderer.plain().withWidth(80).render(List.of(queueWaits()));

    // then
    assertThat(text)
        .isEqualTo(
            """
            service shuttle-demo
              worker_pool.queue.wait_duration  histogram cumulative  unit s  — How long job…
                {worker_pool.name=bounded-po… count=10 sum=0.07626 min=1.212e-06 max=0.02659
            """);
    assertThat(text.lines()).allSatisfy(l -> assertThat(Columns.of(l)).isLessThanOrEqualTo(80));
  }

  @Test
  void wideShowsEverythingAndNanosecondAttributesAreDurations() {
    assertThat(MetricsRenderer.plain().render(List.of(queueWaits())))
        .contains("  — How long jobs waited between acceptance and start.\n")
        .contains(
            "    {worker_pool.name=bounded-pool, worker_pool.type=bounded, last.wait_ns=26.6 ms}"
                + " count=10");
  }
}
