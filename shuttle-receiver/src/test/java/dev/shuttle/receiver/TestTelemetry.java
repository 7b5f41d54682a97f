package dev.shuttle.receiver;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Builders of export requests with predictable ids and values, for the store's tests. */
final class TestTelemetry {
  private TestTelemetry() {}

  static String traceId(int trace) {
    return String.format("%032x", trace + 1);
  }

  static String spanId(int trace, int span) {
    return String.format("%08x%08x", trace + 1, span + 1);
  }

  static Resource resource(String service) {
    return Resource.newBuilder()
        .addAttributes(
            KeyValue.newBuilder()
                .setKey("service.name")
                .setValue(AnyValue.newBuilder().setStringValue(service)))
        .build();
  }

  /**
   * One export from {@code service} (resource and scope) with spans {@code first} to {@code first +
   * count - 1} of trace {@code trace}, each with a {@code payload}-character attribute.
   */
  static ExportTraceServiceRequest spans(
      String service, int trace, int first, int count, int payload) {
    ResourceSpans.Builder resourceSpans = ResourceSpans.newBuilder().setResource(resource(service));
    var scope = resourceSpans.addScopeSpansBuilder();
    scope.getScopeBuilder().setName(service); // a scope of its own: estimates add up per service
    for (int s = first; s < first + count; s++) {
      scope.addSpans(span(trace, s, payload));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(resourceSpans).build();
  }

  static Span span(int trace, int span, int payload) {
    Span.Builder builder =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceId(trace))))
            .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanId(trace, span))))
            .setName("span-" + span)
            .setStartTimeUnixNano(1_000)
            .setEndTimeUnixNano(2_000);
    if (payload > 0) {
      builder.addAttributes(
          KeyValue.newBuilder()
              .setKey("payload")
              .setValue(AnyValue.newBuilder().setStringValue("x".repeat(payload))));
    }
    return builder.build();
  }

  /** The span ids of a trace held by the store, in the order it holds them. */
  static List<String> heldSpanIds(TelemetryStore store, int trace) {
    return store
        .trace(traceId(trace))
        .map(t -> t.spans().stream().map(StoredSpan::spanId).toList())
        .orElse(List.of());
  }

  /** One metric batch from {@code service}: a gauge with points valued {@code first} onwards. */
  static ResourceMetrics gaugeBatch(String service, String name, int first, int points) {
    Gauge.Builder gauge = Gauge.newBuilder();
    for (int i = first; i < first + points; i++) {
      gauge.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(i).setAsInt(i));
    }
    return ResourceMetrics.newBuilder()
        .setResource(resource(service))
        .addScopeMetrics(
            ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName(name).setGauge(gauge)))
        .build();
  }

  static ExportMetricsServiceRequest metrics(ResourceMetrics... batches) {
    return ExportMetricsServiceRequest.newBuilder().addAllResourceMetrics(List.of(batches)).build();
  }

  /** The values of the held points of the named gauge, oldest first. */
  static List<Long> heldGaugeValues(TelemetryStore store, String name) {
    List<Long> values = new ArrayList<>();
    for (Metric metric : store.metricsByName(name)) {
      metric.getGauge().getDataPointsList().forEach(p -> values.add(p.getAsInt()));
    }
    return values;
  }

  /** One log batch from {@code service} with records whose bodies are {@code first} onwards. */
  static ExportLogsServiceRequest logs(String service, int first, int records) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = first; i < first + records; i++) {
      scope.addLogRecords(
          LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("record-" + i)));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder().setResource(resource(service)).addScopeLogs(scope))
        .build();
  }

  /** The bodies of the held log records, oldest first. */
  static List<String> heldLogBodies(TelemetryStore store) {
    List<String> bodies = new ArrayList<>();
    for (ResourceLogs batch : store.resourceLogs()) {
      for (ScopeLogs scope : batch.getScopeLogsList()) {
        scope.getLogRecordsList().forEach(r -> bodies.add(r.getBody().getStringValue()));
      }
    }
    return bodies;
  }

  /** The sum of the estimates of the items the store holds, without the store's own overhead. */
  static long sumOfItemEstimates(TelemetryStore store) {
    long sum = 0;
    for (StoredTrace trace : store.traces()) {
      for (StoredSpan span : trace.spans()) {
        sum += SizeEstimator.span(span.span());
      }
    }
    for (ResourceMetrics batch : store.resourceMetrics()) {
      sum += SizeEstimator.resourceMetrics(batch);
    }
    for (ResourceLogs batch : store.resourceLogs()) {
      sum += SizeEstimator.resourceLogs(batch);
    }
    return sum;
  }
}
