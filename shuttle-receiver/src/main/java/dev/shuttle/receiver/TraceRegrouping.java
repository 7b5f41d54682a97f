package dev.shuttle.receiver;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Regroups stored spans into one OTLP export request: one {@code ResourceSpans} per resource and
 * one {@code ScopeSpans} per scope, in the order they first occur. Stateless.
 */
final class TraceRegrouping {
  private TraceRegrouping() {}

  private record ResourceKey(Resource resource, String schemaUrl) {}

  private record ScopeKey(InstrumentationScope scope, String schemaUrl) {}

  /** Returns the spans of {@code traces}, in trace order then arrival order, as one request. */
  static ExportTraceServiceRequest asRequest(List<StoredTrace> traces) {
    Map<ResourceKey, Map<ScopeKey, List<Span>>> grouped = new LinkedHashMap<>();
    for (StoredTrace trace : traces) {
      for (StoredSpan s : trace.spans()) {
        grouped
            .computeIfAbsent(
                new ResourceKey(s.resource(), s.resourceSchemaUrl()), k -> new LinkedHashMap<>())
            .computeIfAbsent(new ScopeKey(s.scope(), s.scopeSchemaUrl()), k -> new ArrayList<>())
            .add(s.span());
      }
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    grouped.forEach(
        (resourceKey, scopes) -> {
          ResourceSpans.Builder resourceSpans =
              request
                  .addResourceSpansBuilder()
                  .setResource(resourceKey.resource())
                  .setSchemaUrl(resourceKey.schemaUrl());
          scopes.forEach(
              (scopeKey, spans) ->
                  resourceSpans
                      .addScopeSpansBuilder()
                      .setScope(scopeKey.scope())
                      .setSchemaUrl(scopeKey.schemaUrl())
                      .addAllSpans(spans));
        });
    return request.build();
  }
}
