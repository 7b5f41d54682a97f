package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.OtlpRun.attribute;
import static dev.shuttle.demo.OtlpRun.status;
import static dev.shuttle.demo.scenario.MetricsScenario.GOROUTINES;
import static dev.shuttle.demo.scenario.MetricsScenario.REQUESTS_PER_GOROUTINE;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MetricsScenarioTest {
  private static final long REQUESTS = (long) GOROUTINES * REQUESTS_PER_GOROUTINE; // 160
  private static final long ERRORS = 32; // requests 5, 10, 15, 20 of each goroutine

  private static OtlpRun run;

  @BeforeAll
  static void runOverHttp() throws Exception {
    run = OtlpRun.of(new MetricsScenario(), OtlpProtocol.HTTP_PROTOBUF);
  }

  @Test
  void producesOneTraceWithOneSpanPerGoroutineCountingItsOwnRequests() {
    assertThat(run.traces()).hasSize(1);
    StoredSpan root = run.span("concurrent-requests");
    List<StoredSpan> goroutines = run.children(root);
    assertThat(goroutines).hasSize(GOROUTINES).allMatch(s -> s.name().equals("handle-requests"));
    assertThat(goroutines)
        .extracting(s -> attribute(s, "goroutine.id").orElseThrow())
        .containsExactlyInAnyOrderElementsOf(
            LongStream.range(0, GOROUTINES).boxed().map(Object.class::cast).toList());
    assertThat(goroutines)
        .allMatch(s -> attribute(s, "requests.count").orElseThrow().equals(20L))
        .allMatch(s -> attribute(s, "errors.count").orElseThrow().equals(4L))
        .allMatch(s -> status(s) == STATUS_CODE_UNSET);
  }

  @Test
  void theLocalCountsOnTheRootSpanEqualTheRequestsMade() {
    StoredSpan root = run.span("concurrent-requests");
    assertThat(attribute(root, "requests.count")).contains(REQUESTS);
    assertThat(attribute(root, "errors.count")).contains(ERRORS);
  }

  @Test
  void theInstrumentsHaveTheGuidesNamesAndNoOthers() {
    assertThat(run.metric("requests.count")).isPresent();
    assertThat(run.metric("errors.count")).isPresent();
    assertThat(run.metric("request.latency")).isPresent();
    assertThat(run.metric("connections.active")).isPresent();
    assertThat(run.metric("requests")).isEmpty();
    assertThat(run.metric("request.duration")).isEmpty();
  }

  @Test
  void theExportedCountersEqualTheRequestsMade() {
    assertThat(nonZero(MetricPoints.longSumsBy(run, "requests.count", "http.route")))
        .isEqualTo(Map.of("/cart", REQUESTS / 2, "/checkout", REQUESTS / 2));
    assertThat(nonZero(MetricPoints.longSumsBy(run, "errors.count", "http.route")))
        .isEqualTo(Map.of("/cart", ERRORS / 2, "/checkout", ERRORS / 2));
    assertThat(run.longSum("requests.count")).isEqualTo(REQUESTS);
    assertThat(run.longSum("errors.count")).isEqualTo(ERRORS);
    assertThat(MetricPoints.metric(run, "requests.count").getSum().getIsMonotonic()).isTrue();
    assertThat(run.longSum("connections.active")).isZero();
    assertThat(MetricPoints.metric(run, "connections.active").getSum().getIsMonotonic()).isFalse();
  }

  @Test
  void everyLatencyIsInTheHistogramInMilliseconds() {
    assertThat(MetricPoints.histogramCountsBy(run, "request.latency", "http.route"))
        .isEqualTo(Map.of("/cart", REQUESTS / 2, "/checkout", REQUESTS / 2));
    assertThat(MetricPoints.metric(run, "request.latency").getUnit()).isEqualTo("ms");
    // each request works 1 ms: at least 1 ms each, and far less than a second
    assertThat(MetricPoints.metric(run, "request.latency").getHistogram().getDataPointsList())
        .allMatch(p -> p.getSum() >= 1.0 * p.getCount() && p.getSum() < 1000.0 * p.getCount());
  }

  private static Map<String, Long> nonZero(Map<String, Long> sums) {
    return sums.entrySet().stream()
        .filter(e -> e.getValue() != 0)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
