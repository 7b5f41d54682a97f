package dev.shuttle.demo.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricExporter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The observable instruments a scenario creates are exported during its run and do not outlive it:
 * an export after the run observes nothing from them, so a second run in the same JVM and SDK does
 * not add to the first.
 */
@Timeout(30)
class ScenarioInstrumentsTest {
  @Test
  void metricsScenarioExportsThenClosesItsInstruments() throws Exception {
    assertExportedThenClosed(
        new MetricsScenario(),
        "requests.count",
        (long) MetricsScenario.GOROUTINES * MetricsScenario.REQUESTS_PER_GOROUTINE);
  }

  @Test
  void atomicMetricsScenarioExportsThenClosesItsInstruments() throws Exception {
    assertExportedThenClosed(
        new AtomicMetricsScenario(),
        AtomicMetricsScenario.NAMESPACE + ".requests",
        (long) AtomicMetricsScenario.GOROUTINES * AtomicMetricsScenario.REQUESTS_PER_GOROUTINE);
  }

  private static void assertExportedThenClosed(Scenario scenario, String name, long requests)
      throws Exception {
    InMemoryMetricExporter exporter = InMemoryMetricExporter.create();
    PeriodicMetricReader reader =
        PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build();
    try (OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
            .build()) {
      for (int run = 1; run <= 2; run++) {
        exporter.reset();
        scenario.run(sdk);
        assertThat(sum(exporter.getFinishedMetricItems(), name))
            .as("run %d exported its own count", run)
            .isEqualTo(requests);

        exporter.reset();
        assertThat(sdk.getSdkMeterProvider().forceFlush().join(10, TimeUnit.SECONDS).isSuccess())
            .isTrue();
        assertThat(sum(exporter.getFinishedMetricItems(), name))
            .as("nothing is observed after run %d", run)
            .isZero();
      }
    }
  }

  private static long sum(List<MetricData> metrics, String name) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .mapToLong(LongPointData::getValue)
        .sum();
  }
}
