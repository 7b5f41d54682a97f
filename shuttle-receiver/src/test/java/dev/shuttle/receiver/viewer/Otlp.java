package dev.shuttle.receiver.viewer;

import com.google.protobuf.ByteString;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.StoredTrace;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Hand-built OTLP spans for the viewer's tests: times in milliseconds from a fixed epoch, ids from
 * short names, so that every expected answer can be worked out by hand.
 */
final class Otlp {
  /** The epoch of the tests' times: 2025-01-01T00:00:00Z, in nanoseconds. */
  static final long EPOCH = 1_735_689_600_000_000_000L;

  static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  private Otlp() {}

  static long ms(double millis) {
    return EPOCH + Math.round(millis * 1_000_000);
  }

  static ByteString bytes(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  /** A span id from a short name: its characters' codes, padded to 16 hex digits. */
  static String id(String name) {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      hex.append(String.format("%02x", (int) name.charAt(i) & 0xff));
    }
    while (hex.length() < 16) {
      hex.insert(0, '0');
    }
    return hex.substring(hex.length() - 16);
  }

  static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static KeyValue attr(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  static Resource resource(String service) {
    return Resource.newBuilder().addAttributes(attr("service.name", service)).build();
  }

  /** A span of trace {@link #TRACE} named {@code name} (also its id's source). */
  static Span.Builder span(String name, String parent, double startMs, double endMs) {
    return span(TRACE, name, parent, startMs, endMs);
  }

  /** A span named {@code name} (also its id's source), child of {@code parent} ("" for a root). */
  static Span.Builder span(String trace, String name, String parent, double startMs, double endMs) {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(bytes(trace))
            .setSpanId(bytes(id(name)))
            .setName(name)
            .setStartTimeUnixNano(ms(startMs))
            .setEndTimeUnixNano(ms(endMs));
    if (!parent.isEmpty()) {
      span.setParentSpanId(bytes(id(parent)));
    }
    return span;
  }

  static Span.Builder error(Span.Builder span, String message) {
    return span.setStatus(
        Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(message));
  }

  static StoredSpan stored(String service, Span.Builder span) {
    return new StoredSpan(
        resource(service),
        "",
        InstrumentationScope.newBuilder().setName("test").setVersion("1.0").build(),
        "",
        span.build());
  }

  /** A trace of service {@code shop} from span builders, in the given (arrival) order. */
  static StoredTrace trace(Span.Builder... spans) {
    List<StoredSpan> stored = new ArrayList<>();
    for (Span.Builder span : spans) {
      stored.add(stored("shop", span));
    }
    return new StoredTrace(stored.getFirst().traceId(), stored);
  }

  /** One export from {@code service} with the given spans. */
  static ExportTraceServiceRequest export(String service, Span.Builder... spans) {
    ScopeSpans.Builder scope =
        ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("test"));
    for (Span.Builder span : spans) {
      scope.addSpans(span);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder().setResource(resource(service)).addScopeSpans(scope))
        .build();
  }
}
