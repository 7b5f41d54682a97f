package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;

/**
 * The id rules for decoded requests, which protobuf requests (gRPC, OTLP/HTTP protobuf) pass as
 * well as JSON ones.
 *
 * <p>References: {@code trace.proto}, {@code logs.proto}, {@code metrics.proto}
 * (open-telemetry/opentelemetry-proto); the OpenTelemetry Collector's protobuf unmarshaler of ids
 * ({@code pdata/internal/traceid.go} and {@code spanid.go}, commit 934999fb, tested in {@code
 * TestSpanIDUnmarshal}): it rejects an id of another length and accepts an empty one.
 */
class OtlpValidationTest {
  private static final ByteString TRACE = Ids.fromHex("5b8efff798038103d269b633813fc60c");
  private static final ByteString SPAN = Ids.fromHex("eee19b7ec3c1b174");

  @Test
  void spanIdsOfTheWrongLengthAreRejectedWithTheFieldPath() {
    // collector: rejected (errUnmarshalTraceID, errUnmarshalSpanID)
    assertThatThrownBy(() -> OtlpValidation.check(traces(span().setTraceId(bytes(2)))))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage("resourceSpans[0].scopeSpans[1].spans[1].traceId: expected 16 bytes, got 2");
    assertThatThrownBy(() -> OtlpValidation.check(traces(span().setSpanId(bytes(9)))))
        .hasMessage("resourceSpans[0].scopeSpans[1].spans[1].spanId: expected 8 bytes, got 9");
    assertThatThrownBy(() -> OtlpValidation.check(traces(span().setParentSpanId(bytes(4)))))
        .hasMessage(
            "resourceSpans[0].scopeSpans[1].spans[1].parentSpanId: expected 8 bytes, got 4");
  }

  @Test
  void aSpanWithoutOrWithAllZeroIdsIsRejected() {
    // trace.proto: required, and all zeros is invalid; the collector accepts both (an empty id
    // unmarshals to its zero id)
    assertThatThrownBy(() -> OtlpValidation.check(traces(span().clearTraceId())))
        .hasMessageEndingWith("spans[1].traceId: required, but empty or absent");
    assertThatThrownBy(
            () -> OtlpValidation.check(traces(span().setSpanId(ByteString.copyFrom(new byte[8])))))
        .hasMessageEndingWith("spans[1].spanId: all zeros, which is an invalid id");
  }

  @Test
  void linkIdsAreEmptyOrOfExactLength() {
    assertThatCode(
            () -> OtlpValidation.check(traces(span().addLinks(Span.Link.getDefaultInstance()))))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                OtlpValidation.check(
                    traces(span().addLinks(Span.Link.newBuilder().setTraceId(bytes(8))))))
        .hasMessageEndingWith("spans[1].links[0].traceId: expected 16 bytes, got 8");
  }

  @Test
  void logRecordIdsAreOptionalButOfExactLength() {
    // logs.proto: optional; collector: wrong length rejected, empty accepted
    assertThatCode(() -> OtlpValidation.check(logs(LogRecord.getDefaultInstance())))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () -> OtlpValidation.check(logs(LogRecord.newBuilder().setSpanId(bytes(16)).build())))
        .hasMessage("resourceLogs[0].scopeLogs[0].logRecords[0].spanId: expected 8 bytes, got 16");
  }

  @Test
  void exemplarIdsAreOptionalButOfExactLength() {
    Exemplar bad = Exemplar.newBuilder().setTraceId(bytes(15)).setSpanId(SPAN).build();

    assertThatThrownBy(() -> OtlpValidation.check(histogramWith(bad)))
        .hasMessage(
            "resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0].exemplars[0]"
                + ".traceId: expected 16 bytes, got 15");
    assertThatCode(() -> OtlpValidation.check(histogramWith(Exemplar.getDefaultInstance())))
        .doesNotThrowAnyException();
  }

  @Test
  void validRequestsPass() {
    assertThatCode(
            () ->
                OtlpValidation.check(
                    traces(
                        span()
                            .setParentSpanId(SPAN)
                            .addLinks(Span.Link.newBuilder().setTraceId(TRACE).setSpanId(SPAN)))))
        .doesNotThrowAnyException();
    assertThatCode(() -> OtlpValidation.check(ExportTraceServiceRequest.getDefaultInstance()))
        .doesNotThrowAnyException();
  }

  private static Span.Builder span() {
    return Span.newBuilder().setTraceId(TRACE).setSpanId(SPAN).setName("s");
  }

  /** A request whose second scope's second span is the one given. */
  private static ExportTraceServiceRequest traces(Span.Builder span) {
    Span valid = span().build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(valid))
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(valid).addSpans(span)))
        .build();
  }

  private static ExportLogsServiceRequest logs(LogRecord record) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder().addScopeLogs(ScopeLogs.newBuilder().addLogRecords(record)))
        .build();
  }

  private static ExportMetricsServiceRequest histogramWith(Exemplar exemplar) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(
                            Metric.newBuilder()
                                .setName("h")
                                .setHistogram(
                                    Histogram.newBuilder()
                                        .addDataPoints(
                                            HistogramDataPoint.newBuilder()
                                                .addExemplars(exemplar))))))
        .build();
  }

  private static ByteString bytes(int length) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, (byte) 7);
    return ByteString.copyFrom(bytes);
  }
}
