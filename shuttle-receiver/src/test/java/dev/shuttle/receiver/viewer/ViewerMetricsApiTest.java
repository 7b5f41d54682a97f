package dev.shuttle.receiver.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.shuttle.receiver.RawHttp;
import dev.shuttle.receiver.TelemetryStore;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code GET /api/metrics} and {@code /api/metrics/series} over HTTP. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ViewerMetricsApiTest {
  private static ViewerServer viewer;

  @BeforeAll
  static void start() throws Exception {
    TelemetryStore store = TelemetryStore.create();
    // a cumulative counter of jobs: 10 at 1 s, 30 at 3 s (10 a second)
    store.addMetrics(
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(Otlp.resource("shop"))
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("jobs.done")
                                    .setDescription("jobs <b>done</b>")
                                    .setUnit("{job}")
                                    .setSum(
                                        Sum.newBuilder()
                                            .setIsMonotonic(true)
                                            .setAggregationTemporality(
                                                AggregationTemporality
                                                    .AGGREGATION_TEMPORALITY_CUMULATIVE)
                                            .addDataPoints(point(1, 10))
                                            .addDataPoints(point(3, 30))))))
            .build());
    viewer = Viewers.start(store);
  }

  private static NumberDataPoint point(double seconds, long value) {
    return NumberDataPoint.newBuilder()
        .setStartTimeUnixNano(Otlp.ms(0))
        .setTimeUnixNano(Otlp.ms(seconds * 1000))
        .setAsInt(value)
        .build();
  }

  @AfterAll
  static void stop() {
    viewer.close();
  }

  @Test
  void theCatalogueListsEachInstrument() throws Exception {
    // when
    JsonObject metrics = Viewers.getJson(viewer, "/api/metrics");

    // then
    assertThat(metrics.getAsJsonArray("metrics")).hasSize(1);
    JsonObject jobs = metrics.getAsJsonArray("metrics").get(0).getAsJsonObject();
    assertThat(jobs.keySet())
        .containsExactlyInAnyOrder(
            "name", "description", "unit", "type", "monotonic", "service", "scope", "seriesCount");
    assertThat(jobs.get("name").getAsString()).isEqualTo("jobs.done");
    assertThat(jobs.get("description").getAsString()).isEqualTo("jobs <b>done</b>");
    assertThat(jobs.get("type").getAsString()).isEqualTo("sum");
    assertThat(jobs.get("monotonic").getAsBoolean()).isTrue();
    assertThat(jobs.get("service").getAsString()).isEqualTo("shop");
    assertThat(jobs.get("seriesCount").getAsInt()).isEqualTo(1);
  }

  @Test
  void aCounterIsChartedAsARate() throws Exception {
    // when
    JsonObject chart = Viewers.getJson(viewer, "/api/metrics/series?name=jobs.done&service=shop");

    // then
    assertThat(chart.keySet())
        .containsExactlyInAnyOrder("name", "unit", "type", "display", "series");
    assertThat(chart.get("display").getAsString()).isEqualTo("rate");
    JsonObject series = chart.getAsJsonArray("series").get(0).getAsJsonObject();
    assertThat(series.keySet()).containsExactlyInAnyOrder("label", "attributes", "points");
    JsonObject last = series.getAsJsonArray("points").asList().getLast().getAsJsonObject();
    assertThat(last.get("value").getAsDouble()).isEqualTo(10.0);
    assertThat(last.get("timeUnixMillis").getAsDouble()).isEqualTo(Otlp.ms(3000) / 1e6);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | 400 | parameter name is required",
        "?name= | 400 | parameter name is required",
        "?service=shop | 400 | parameter name is required",
        "?name=nothing | 404 | no metric 'nothing' is held",
        "?name=jobs.done&service=billing | 404 | no metric 'jobs.done' of service 'billing'",
        "?name=a&name=b | 400 | parameter name given 2 times"
      })
  void aMissingOrUnknownMetricIsAnErrorThatSaysWhy(String query, int status, String message)
      throws Exception {
    // when
    RawHttp.Response response = Viewers.get(viewer, "/api/metrics/series" + query);

    // then
    assertThat(response.status()).isEqualTo(status);
    assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    assertThat(Viewers.json(response).get("error").getAsString()).contains(message);
  }
}
