package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.OtlpRun.attribute;
import static dev.shuttle.demo.scenario.AtomicMetricsScenario.GOROUTINES;
import static dev.shuttle.demo.scenario.AtomicMetricsScenario.REQUESTS_PER_GOROUTINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AtomicMetricsScenarioTest {
  private static final long REQUESTS = (long) GOROUTINES * REQUESTS_PER_GOROUTINE; // 40
  private static final long ERRORS = 8; // requests 4 and 8 of each goroutine
  private static final String NS = AtomicMetricsScenario.NAMESPACE;

  /** The simulated latencies of one goroutine's ten requests: 2, 3, 4, 1, 2, 3, 4, 1, 2, 3 ms. */
  private static final double MIN_TOTAL_SECONDS = GOROUTINES * 0.025;

  private static OtlpRun run;

  @BeforeAll
  static void runOverGrpc() throws Exception {
    run = OtlpRun.of(new AtomicMetricsScenario(), OtlpProtocol.GRPC);
  }

  @Test
  void producesOneTraceWithARecordRequestSpanPerRequest() {
    assertThat(run.traces()).hasSize(1);
    StoredSpan root = run.span("collect-requests");
    List<StoredSpan> records = run.children(root);
    assertThat(records).hasSize((int) REQUESTS).allMatch(s -> s.name().equals("record-request"));
    assertThat(
            records.stream()
                .filter(s -> attribute(s, "request.success").orElseThrow().equals(false)))
        .hasSize((int) ERRORS);
    assertThat(records)
        .extracting(s -> (Long) attribute(s, "request.count").orElseThrow())
        .allMatch(c -> c >= 1 && c <= REQUESTS)
        .contains(REQUESTS);
    assertThat(records)
        .allMatch(
            s ->
                (Long) attribute(s, "error.count").orElseThrow()
                    <= (Long) attribute(s, "request.count").orElseThrow())
        .allMatch(s -> (Double) attribute(s, "avg.latency.ms").orElseThrow() >= 1.0);
  }

  @Test
  void theErrorRateIsZeroBeforeTheFirstRequest() {
    assertThat(attribute(run.span("collect-requests"), "error_rate.before_first")).contains(0.0);
  }

  @Test
  void theRootSpanHasTheFinalStatisticsWithNoUpdateLost() {
    StoredSpan root = run.span("collect-requests");
    assertThat(attribute(root, "total_requests")).contains(REQUESTS);
    assertThat(attribute(root, "total_errors")).contains(ERRORS);
    assertThat(attribute(root, "error_rate")).contains(0.2);
    assertThat((Double) attribute(root, "avg_latency_ms").orElseThrow())
        .isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void theStatisticsAreExportedAsObservableInstruments() {
    assertThat(run.longSum(NS + ".requests")).isEqualTo(REQUESTS);
    assertThat(run.longSum(NS + ".errors")).isEqualTo(ERRORS);
    assertThat(MetricPoints.onlyDouble(run, NS + ".error_rate")).isCloseTo(0.2, within(1e-12));
    assertThat(MetricPoints.metric(run, NS + ".error_rate").hasGauge()).isTrue();
    double total = MetricPoints.onlyDouble(run, NS + ".request.duration.total");
    double average = MetricPoints.onlyDouble(run, NS + ".request.duration.average");
    assertThat(total).isGreaterThanOrEqualTo(MIN_TOTAL_SECONDS).isLessThan(REQUESTS * 1.0);
    assertThat(average).isCloseTo(total / REQUESTS, within(1e-6));
    assertThat(MetricPoints.metric(run, NS + ".request.duration.total").getUnit()).isEqualTo("s");
    assertThat(MetricPoints.metric(run, NS + ".request.duration.average").getUnit()).isEqualTo("s");
  }
}
