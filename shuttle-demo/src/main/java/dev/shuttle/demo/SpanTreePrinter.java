package dev.shuttle.demo;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints finished spans as one indented tree per trace. */
final class SpanTreePrinter {
  private final PrintStream out;

  SpanTreePrinter(PrintStream out) {
    this.out = out;
  }

  void print(List<SpanData> spans) {
    Map<String, List<SpanData>> byTrace =
        spans.stream()
            .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
            .collect(
                Collectors.groupingBy(
                    SpanData::getTraceId, LinkedHashMap::new, Collectors.toList()));
    byTrace.forEach(
        (traceId, traceSpans) -> {
          out.println("trace " + traceId);
          Map<String, List<SpanData>> children = new LinkedHashMap<>();
          List<SpanData> roots = new ArrayList<>();
          java.util.Set<String> ids =
              traceSpans.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
          for (SpanData span : traceSpans) {
            if (ids.contains(span.getParentSpanId())) {
              children.computeIfAbsent(span.getParentSpanId(), k -> new ArrayList<>()).add(span);
            } else {
              roots.add(span);
            }
          }
          roots.forEach(root -> printSpan(root, children, "  "));
        });
  }

  private void printSpan(SpanData span, Map<String, List<SpanData>> children, String indent) {
    Duration duration = Duration.ofNanos(span.getEndEpochNanos() - span.getStartEpochNanos());
    StringBuilder line =
        new StringBuilder(indent)
            .append(span.getName())
            .append("  ")
            .append(duration.toMillis())
            .append(" ms");
    if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
      line.append("  ERROR: ").append(span.getStatus().getDescription());
    }
    span.getAttributes()
        .forEach(
            (AttributeKey<?> key, Object value) ->
                line.append("  ").append(key.getKey()).append('=').append(value));
    out.println(line);
    for (EventData event : span.getEvents()) {
      out.println(indent + "  · " + event.getName());
    }
    for (SpanData child : children.getOrDefault(span.getSpanId(), List.of())) {
      printSpan(child, children, indent + "  ");
    }
  }
}
