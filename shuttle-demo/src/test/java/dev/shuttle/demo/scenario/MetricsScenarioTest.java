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
  private static final String NS = MetricsScenario.NAMESPACE;

  private static OtlpRun run;

  @BeforeAll
  static void runOverHttp() throws Exception {
    run = OtlpRun.of(new MetricsScenario(), OtlpProtocol.HTTP_PROTOBUF);
  }

  @Test
  void producesOneTraceWithOneSpanPerGoroutine() {
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
        .allMatch(s -> status(s) == STATUS_CODE_UNSET);
  }

  @Test
  void theLocalCountsAreOnTheRootSpan() {
    StoredSpan root = run.span("concurrent-requests");
    assertThat(attribute(root, "requests.count")).contains(REQUESTS);
    assertThat(attribute(root, "errors.count")).contains(ERRORS);
    assertThat(attribute(root, "metrics.local_keys")).contains((long) GOROUTINES + 2);
  }

  @Test
  void theExportedCountersEqualTheRequestsMade() {
    // ConcurrentMetrics also reports its attribute-less counter, at 0 here: filtered out
    assertThat(nonZero(MetricPoints.longSumsBy(run, NS + ".requests", "http.route")))
        .isEqualTo(Map.of("/cart", REQUESTS / 2, "/checkout", REQUESTS / 2));
    assertThat(nonZero(MetricPoints.longSumsBy(run, NS + ".errors", "http.route")))
        .isEqualTo(Map.of("/cart", ERRORS / 2, "/checkout", ERRORS / 2));
    assertThat(run.longSum(NS + ".requests")).isEqualTo(REQUESTS);
    assertThat(run.longSum(NS + ".errors")).isEqualTo(ERRORS);
    assertThat(MetricPoints.metric(run, NS + ".requests").getSum().getIsMonotonic()).isTrue();
    assertThat(run.longSum(NS + ".connections.active")).isZero();
    assertThat(MetricPoints.metric(run, NS + ".connections.active").getSum().getIsMonotonic())
        .isFalse();
  }

  @Test
  void everyLatencyIsInTheHistogramInSeconds() {
    assertThat(MetricPoints.histogramCountsBy(run, NS + ".request.duration", "http.route"))
        .isEqualTo(Map.of("/cart", REQUESTS / 2, "/checkout", REQUESTS / 2));
    assertThat(MetricPoints.metric(run, NS + ".request.duration").getUnit()).isEqualTo("s");
    assertThat(
            MetricPoints.metric(run, NS + ".request.duration").getHistogram().getDataPointsList())
        .allMatch(p -> p.getSum() >= 0.001 * p.getCount() && p.getSum() < p.getCount());
  }

  private static Map<String, Long> nonZero(Map<String, Long> sums) {
    return sums.entrySet().stream()
        .filter(e -> e.getValue() != 0)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
