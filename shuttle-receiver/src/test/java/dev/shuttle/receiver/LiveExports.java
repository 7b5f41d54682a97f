package dev.shuttle.receiver;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds the live view's log records (ADR 9) as OTLP protos, for the store's and the viewer's
 * tests; the end-to-end tests send them through the OpenTelemetry SDK instead.
 *
 * <p>Not thread-safe: a builder is used by one thread.
 */
public final class LiveExports {
  /** A round time: 2024-05-01T12:00:00Z. */
  public static final long T0 = 1_714_564_800_000_000_000L;

  private LiveExports() {}

  /** A resource with {@code service.name} and, if not empty, {@code service.instance.id}. */
  public static Resource resource(String service, String instance) {
    Resource.Builder resource =
        Resource.newBuilder().addAttributes(string("service.name", service));
    if (!instance.isEmpty()) {
      resource.addAttributes(string("service.instance.id", instance));
    }
    return resource.build();
  }

  /** One export of {@code records} from {@code resource}, under scope {@code dev.shuttle}. */
  public static ExportLogsServiceRequest export(Resource resource, LogRecord... records) {
    return export(resource, List.of(records));
  }

  /** One export of {@code records} from {@code resource}, under scope {@code dev.shuttle}. */
  public static ExportLogsServiceRequest export(Resource resource, List<LogRecord> records) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(resource)
                .addScopeLogs(
                    ScopeLogs.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("dev.shuttle"))
                        .addAllLogRecords(records)))
        .build();
  }

  /** A goroutine's record of round {@code round}, running and untraced until changed. */
  public static Goroutine goroutine(long round, long id) {
    return new Goroutine(round, id);
  }

  /** The record closing round {@code round} at {@link #T0} plus {@code round} seconds. */
  public static LogRecord snapshot(long round, long count, long blocked, long intervalMillis) {
    return LogRecord.newBuilder()
        .setEventName(LiveRecords.SNAPSHOT_EVENT)
        .setTimeUnixNano(T0 + round * 1_000_000_000L)
        .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
        .addAttributes(integer("shuttle.goroutines.round", round))
        .addAttributes(integer("shuttle.goroutines.count", count))
        .addAttributes(integer("shuttle.goroutines.blocked", blocked))
        .addAttributes(integer("shuttle.goroutines.interval_ms", intervalMillis))
        .build();
  }

  /** A string attribute. */
  public static KeyValue string(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  /** An int attribute. */
  public static KeyValue integer(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  /** A builder of one goroutine's record. */
  public static final class Goroutine {
    private final LogRecord.Builder record;
    private final long round;
    private final long id;
    private String name;

    private Goroutine(long round, long id) {
      this.round = round;
      this.id = id;
      this.name = "shuttle-go-" + id;
      record =
          LogRecord.newBuilder()
              .setEventName(LiveRecords.RUNNING_EVENT)
              .setTimeUnixNano(T0 + round * 1_000_000_000L)
              .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
              .addAttributes(integer("shuttle.goroutine.id", id))
              .addAttributes(integer("shuttle.goroutines.round", round))
              .addAttributes(integer("shuttle.goroutine.parent_id", 0))
              .addAttributes(integer("shuttle.goroutine.started_at", T0 - 5_000_000_000L));
    }

    /** Its name ({@code shuttle-go-<id>} by default). */
    public Goroutine name(String name) {
      this.name = name;
      return this;
    }

    /** Its owner. */
    public Goroutine owner(String owner) {
      record.addAttributes(string("shuttle.goroutine.owner", owner));
      return this;
    }

    /** Blocked on {@code what} (of {@code kind}) since {@code forNanos} before the round. */
    public Goroutine blocked(String what, String kind, long forNanos) {
      record
          .addAttributes(string("shuttle.goroutine.state", "blocked"))
          .addAttributes(string("shuttle.goroutine.blocked_on", what))
          .addAttributes(string("shuttle.goroutine.blocked_on.kind", kind))
          .addAttributes(
              integer("shuttle.goroutine.blocked_since", record.getTimeUnixNano() - forNanos));
      return this;
    }

    /** Runs in span {@code spanId} of trace {@code traceId} (hex). */
    public Goroutine in(String traceId, String spanId) {
      record.setTraceId(bytes(traceId)).setSpanId(bytes(spanId));
      return this;
    }

    /** Has its own span {@code spanId} named {@code spanName}, child of {@code parentSpanId}. */
    public Goroutine ownSpan(String traceId, String spanId, String spanName, String parentSpanId) {
      in(traceId, spanId);
      record
          .addAttributes(string("shuttle.goroutine.span_name", spanName))
          .addAttributes(string("shuttle.goroutine.parent_span_id", parentSpanId));
      return this;
    }

    /** Adds any attribute, such as one of the wrong type. */
    public Goroutine attribute(KeyValue attribute) {
      record.addAttributes(attribute);
      return this;
    }

    /** The record. */
    public LogRecord build() {
      LogRecord.Builder out = record.clone();
      if (out.getAttributesList().stream()
          .noneMatch(a -> a.getKey().equals("shuttle.goroutine.state"))) {
        out.addAttributes(string("shuttle.goroutine.state", "running"));
      }
      out.addAttributes(string("shuttle.goroutine.name", name));
      out.setBody(
          AnyValue.newBuilder()
              .setStringValue("goroutine " + id + " \"" + name + "\" [round " + round + "]"));
      return out.build();
    }
  }

  private static ByteString bytes(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }
}
