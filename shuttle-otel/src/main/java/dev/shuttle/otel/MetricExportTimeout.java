package dev.shuttle.otel;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReaderBuilder;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Gives each periodic metric reader the exporter's own timeout. The SDK's {@code
 * PeriodicMetricReader} gives up on an export (and on a flush) after the export interval unless it
 * is told otherwise, and autoconfigure has no property for it: with a short interval, say {@code
 * metricExportInterval(250 ms)} to see metrics change while a program runs, every export slower
 * than the interval fails with "Exporter timed out", the first one over a new connection most of
 * all. A reader whose interval is shorter than the exporter's timeout ({@code
 * otel.exporter.otlp.metrics.timeout}, else {@code otel.exporter.otlp.timeout}, else 10 s) is built
 * again with the same exporter, interval and batch size, and that timeout.
 *
 * <p>Implementation note: autoconfigure builds the readers one at a time on the thread that starts
 * the SDK, calling the exporter customizer and then the reader customizer for each; {@link
 * #remember} keeps the exporter that {@link #rebuild} then uses. One instance serves one {@code
 * start()}.
 *
 * <p>Thread-safety: not thread-safe; used by autoconfigure on one thread.
 */
final class MetricExportTimeout {
  private static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
  private static final Duration DEFAULT_EXPORTER_TIMEOUT = Duration.ofSeconds(10);

  private @Nullable MetricExporter exporter;

  /** The metric exporter customizer: remembers the exporter the next reader exports to. */
  MetricExporter remember(MetricExporter exporter, ConfigProperties config) {
    this.exporter = exporter;
    return exporter;
  }

  /** The metric reader customizer: the reader, or one like it with the exporter's timeout. */
  MetricReader rebuild(MetricReader reader, ConfigProperties config) {
    MetricExporter exported = exporter;
    exporter = null;
    if (exported == null || !(reader instanceof PeriodicMetricReader)) {
      return reader;
    }
    Duration interval = config.getDuration("otel.metric.export.interval", DEFAULT_INTERVAL);
    Duration timeout =
        config.getDuration(
            "otel.exporter.otlp.metrics.timeout",
            config.getDuration("otel.exporter.otlp.timeout", DEFAULT_EXPORTER_TIMEOUT));
    if (interval.compareTo(timeout) >= 0) {
      return reader; // the SDK's timeout, the interval, already gives the exporter its own
    }
    PeriodicMetricReaderBuilder builder =
        PeriodicMetricReader.builder(exported).setInterval(interval).setExporterTimeout(timeout);
    Integer batchSize = config.getInt("otel.metric.export.max.batch.size");
    if (batchSize != null) {
      builder.setMaxExportBatchSize(batchSize);
    }
    return builder.build(); // the first reader was never registered: nothing to stop
  }
}
