package dev.shuttle.demo.scenario;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.concurrent.TimeUnit;

/**
 * Exports a scenario's observable instruments before the scenario closes them: a closed callback is
 * never observed again, so the flush that follows the scenario would miss it.
 */
final class MetricExport {
  private static final long TIMEOUT_SECONDS = 10;

  private MetricExport() {}

  /**
   * Collects and exports every metric now if {@code openTelemetry} is an SDK (without an SDK there
   * is nothing to export).
   *
   * @throws IllegalStateException if the export fails or times out
   */
  static void now(OpenTelemetry openTelemetry) {
    if (openTelemetry instanceof OpenTelemetrySdk sdk) {
      var result = sdk.getSdkMeterProvider().forceFlush().join(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!result.isSuccess()) {
        throw new IllegalStateException("the metric export did not complete");
      }
    }
  }
}
