package dev.shuttle.receiver;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.shuttle.receiver.internal.Excerpt;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The checks an export request must pass beyond being well-formed protobuf: the trace and span ids
 * it carries.
 *
 * <p>Following {@code trace.proto}: a span's {@code trace_id} is 16 bytes and its {@code span_id} 8
 * bytes, neither empty nor all zeros ("an ID with all zeroes OR of length other than 16 bytes is
 * considered invalid"); {@code parent_span_id} is empty (a root) or 8 bytes. The optional ids of
 * links, log records and exemplars are empty or of exactly that length (16 bytes for a trace id, 8
 * for a span id), as the OpenTelemetry Collector's {@code pdata} also requires. A request that
 * fails is rejected whole, with the path of the first offending field, such as {@code
 * resourceSpans[0].scopeSpans[0].spans[3].traceId: expected 16 bytes, got 2}. {@link
 * #clientMessage} words any decoding failure for the client.
 *
 * <p>Thread-safety: stateless; safe to call from any thread.
 */
final class OtlpValidation {
  static final int TRACE_ID_BYTES = 16;
  static final int SPAN_ID_BYTES = 8;

  /**
   * A sentence of protobuf's that names its Java API: a method call such as {@code
   * setRecursionLimit()} or {@code CodedInputStream.setSizeLimit()}, or a class.
   */
  private static final Pattern JAVA_API =
      Pattern.compile("\\w+\\(|CodedInputStream|Exception|java\\.");

  private static final Pattern SENTENCE_END = Pattern.compile("(?<=\\.)\\s+");

  private OtlpValidation() {}

  /**
   * Returns the message of a decoding failure in words a client may be sent: the id rules' messages
   * as they are, and protobuf's own messages without the parts that name protobuf's Java API (such
   * as "Use CodedInputStream.setRecursionLimit() to increase the depth limit."), which the OTLP
   * client can do nothing about and which give away the server's implementation.
   *
   * @param e the failure, from {@link #check} or from protobuf's parser
   * @return one line of at most a few hundred chars, never empty
   */
  static String clientMessage(InvalidProtocolBufferException e) {
    String message =
        String.valueOf(e.getMessage()).replace("CodedInputStream encountered", "found");
    String kept =
        SENTENCE_END
            .splitAsStream(message)
            .map(String::strip)
            .filter(sentence -> !sentence.isEmpty() && !JAVA_API.matcher(sentence).find())
            .collect(Collectors.joining(" "));
    return kept.isEmpty() ? "not a valid protobuf message" : Excerpt.of(kept, 240);
  }

  /**
   * Checks the ids of an export request of any signal; other messages pass unchecked.
   *
   * @param request an {@code Export*ServiceRequest}
   * @throws InvalidProtocolBufferException naming the first invalid field, if any
   */
  static void check(Message request) throws InvalidProtocolBufferException {
    String problem =
        switch (request) {
          case ExportTraceServiceRequest traces -> problem(traces);
          case ExportLogsServiceRequest logs -> problem(logs);
          case ExportMetricsServiceRequest metrics -> problem(metrics);
          default -> null;
        };
    if (problem != null) {
      throw new InvalidProtocolBufferException(problem);
    }
  }

  /**
   * Returns what is wrong with a span's ids, relative to the span (such as {@code traceId: ...}),
   * or null if they are valid.
   */
  static @Nullable String spanProblem(Span span) {
    String problem = required("traceId", span.getTraceId(), TRACE_ID_BYTES);
    if (problem == null) {
      problem = required("spanId", span.getSpanId(), SPAN_ID_BYTES);
    }
    if (problem == null) {
      problem = optional("parentSpanId", span.getParentSpanId(), SPAN_ID_BYTES);
    }
    for (int i = 0; problem == null && i < span.getLinksCount(); i++) {
      Span.Link link = span.getLinks(i);
      problem = optional("links[" + i + "].traceId", link.getTraceId(), TRACE_ID_BYTES);
      if (problem == null) {
        problem = optional("links[" + i + "].spanId", link.getSpanId(), SPAN_ID_BYTES);
      }
    }
    return problem;
  }

  /** Returns what is wrong with a log record's ids, relative to the record, or null. */
  static @Nullable String logRecordProblem(LogRecord record) {
    String problem = optional("traceId", record.getTraceId(), TRACE_ID_BYTES);
    return problem != null ? problem : optional("spanId", record.getSpanId(), SPAN_ID_BYTES);
  }

  /** Returns what is wrong with an exemplar's ids, relative to the exemplar, or null. */
  static @Nullable String exemplarProblem(Exemplar exemplar) {
    String problem = optional("traceId", exemplar.getTraceId(), TRACE_ID_BYTES);
    return problem != null ? problem : optional("spanId", exemplar.getSpanId(), SPAN_ID_BYTES);
  }

  private static @Nullable String problem(ExportTraceServiceRequest request) {
    for (int r = 0; r < request.getResourceSpansCount(); r++) {
      ResourceSpans resourceSpans = request.getResourceSpans(r);
      for (int s = 0; s < resourceSpans.getScopeSpansCount(); s++) {
        ScopeSpans scopeSpans = resourceSpans.getScopeSpans(s);
        for (int i = 0; i < scopeSpans.getSpansCount(); i++) {
          String problem = spanProblem(scopeSpans.getSpans(i));
          if (problem != null) {
            return "resourceSpans[%d].scopeSpans[%d].spans[%d].%s".formatted(r, s, i, problem);
          }
        }
      }
    }
    return null;
  }

  private static @Nullable String problem(ExportLogsServiceRequest request) {
    for (int r = 0; r < request.getResourceLogsCount(); r++) {
      ResourceLogs resourceLogs = request.getResourceLogs(r);
      for (int s = 0; s < resourceLogs.getScopeLogsCount(); s++) {
        ScopeLogs scopeLogs = resourceLogs.getScopeLogs(s);
        for (int i = 0; i < scopeLogs.getLogRecordsCount(); i++) {
          String problem = logRecordProblem(scopeLogs.getLogRecords(i));
          if (problem != null) {
            return "resourceLogs[%d].scopeLogs[%d].logRecords[%d].%s".formatted(r, s, i, problem);
          }
        }
      }
    }
    return null;
  }

  private static @Nullable String problem(ExportMetricsServiceRequest request) {
    for (int r = 0; r < request.getResourceMetricsCount(); r++) {
      ResourceMetrics resourceMetrics = request.getResourceMetrics(r);
      for (int s = 0; s < resourceMetrics.getScopeMetricsCount(); s++) {
        ScopeMetrics scopeMetrics = resourceMetrics.getScopeMetrics(s);
        for (int m = 0; m < scopeMetrics.getMetricsCount(); m++) {
          String problem = problem(scopeMetrics.getMetrics(m));
          if (problem != null) {
            return "resourceMetrics[%d].scopeMetrics[%d].metrics[%d].%s"
                .formatted(r, s, m, problem);
          }
        }
      }
    }
    return null;
  }

  private static @Nullable String problem(Metric metric) {
    return switch (metric.getDataCase()) {
      case GAUGE ->
          exemplars(
              "gauge",
              metric.getGauge().getDataPointsList().stream().map(p -> p.getExemplarsList()));
      case SUM ->
          exemplars(
              "sum", metric.getSum().getDataPointsList().stream().map(p -> p.getExemplarsList()));
      case HISTOGRAM ->
          exemplars(
              "histogram",
              metric.getHistogram().getDataPointsList().stream().map(p -> p.getExemplarsList()));
      case EXPONENTIAL_HISTOGRAM ->
          exemplars(
              "exponentialHistogram",
              metric.getExponentialHistogram().getDataPointsList().stream()
                  .map(p -> p.getExemplarsList()));
      case SUMMARY, DATA_NOT_SET -> null;
    };
  }

  private static @Nullable String exemplars(
      String data, java.util.stream.Stream<List<Exemplar>> perPoint) {
    List<List<Exemplar>> points = perPoint.toList();
    for (int p = 0; p < points.size(); p++) {
      List<Exemplar> exemplars = points.get(p);
      for (int e = 0; e < exemplars.size(); e++) {
        String problem = exemplarProblem(exemplars.get(e));
        if (problem != null) {
          return "%s.dataPoints[%d].exemplars[%d].%s".formatted(data, p, e, problem);
        }
      }
    }
    return null;
  }

  private static @Nullable String required(String field, ByteString id, int bytes) {
    if (id.isEmpty()) {
      return field + ": required, but empty or absent";
    }
    String problem = optional(field, id, bytes);
    if (problem == null && isAllZeros(id)) {
      return field + ": all zeros, which is an invalid id";
    }
    return problem;
  }

  private static @Nullable String optional(String field, ByteString id, int bytes) {
    if (id.isEmpty() || id.size() == bytes) {
      return null;
    }
    return field + ": expected " + bytes + " bytes, got " + id.size();
  }

  private static boolean isAllZeros(ByteString id) {
    for (int i = 0; i < id.size(); i++) {
      if (id.byteAt(i) != 0) {
        return false;
      }
    }
    return true;
  }
}
