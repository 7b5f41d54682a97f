package dev.shuttle.receiver;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Objects;

/**
 * One received span together with the resource and instrumentation scope it was sent under.
 *
 * <p>Thread-safety: immutable (protobuf messages are immutable) and safe to share.
 *
 * @param resource the resource of the span's {@code ResourceSpans}
 * @param resourceSchemaUrl the schema URL of the {@code ResourceSpans}, or empty
 * @param scope the instrumentation scope of the span's {@code ScopeSpans}
 * @param scopeSchemaUrl the schema URL of the {@code ScopeSpans}, or empty
 * @param span the span as received
 */
public record StoredSpan(
    Resource resource,
    String resourceSchemaUrl,
    InstrumentationScope scope,
    String scopeSchemaUrl,
    Span span) {

  /** Checks that no component is null. */
  public StoredSpan {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(resourceSchemaUrl, "resourceSchemaUrl");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(scopeSchemaUrl, "scopeSchemaUrl");
    Objects.requireNonNull(span, "span");
  }

  /**
   * Returns the trace id as 32 lower-case hex digits.
   *
   * @return the hex trace id
   */
  public String traceId() {
    return Ids.hex(span.getTraceId());
  }

  /**
   * Returns the span id as 16 lower-case hex digits.
   *
   * @return the hex span id
   */
  public String spanId() {
    return Ids.hex(span.getSpanId());
  }

  /**
   * Returns the parent span id in hex, or the empty string for a root span.
   *
   * @return the hex parent span id
   */
  public String parentSpanId() {
    return Ids.hex(span.getParentSpanId());
  }

  /**
   * Returns the span name.
   *
   * @return the name
   */
  public String name() {
    return span.getName();
  }

  /**
   * Returns whether the span has no parent.
   *
   * @return true for a root span
   */
  public boolean isRoot() {
    return span.getParentSpanId().isEmpty();
  }

  /**
   * Returns the {@code service.name} resource attribute, or {@code unknown_service}.
   *
   * @return the service name
   */
  public String serviceName() {
    return serviceName(resource);
  }

  static String serviceName(Resource resource) {
    for (KeyValue attribute : resource.getAttributesList()) {
      if (attribute.getKey().equals("service.name") && attribute.getValue().hasStringValue()) {
        return attribute.getValue().getStringValue();
      }
    }
    return "unknown_service";
  }
}
