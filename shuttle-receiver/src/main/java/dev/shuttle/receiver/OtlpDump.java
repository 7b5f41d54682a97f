package dev.shuttle.receiver;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.Objects;

/**
 * The content of an OTLP/JSON dump: spans, metrics and logs, each as an export request.
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * @param traces the {@code resourceSpans}
 * @param metrics the {@code resourceMetrics}
 * @param logs the {@code resourceLogs}
 */
public record OtlpDump(
    ExportTraceServiceRequest traces,
    ExportMetricsServiceRequest metrics,
    ExportLogsServiceRequest logs) {

  /** Checks that no component is null. */
  public OtlpDump {
    Objects.requireNonNull(traces, "traces");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(logs, "logs");
  }
}
