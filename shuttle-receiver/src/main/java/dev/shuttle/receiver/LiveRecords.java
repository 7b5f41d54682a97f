package dev.shuttle.receiver;

import com.google.protobuf.ByteString;
import dev.shuttle.receiver.internal.Excerpt;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds the live view's records in a logs export (ADR 9, {@code docs/live-view.md}): one {@code
 * shuttle.goroutine.running} record per goroutine of a round, then a {@code
 * shuttle.goroutines.snapshot} record that closes it. It separates them from the other log records,
 * which the store keeps as logs, and reads them into bounded values.
 *
 * <p>A live record that is malformed (a required attribute missing, an attribute of the wrong type,
 * a negative count) is dropped and counted; the rest of the export is unaffected. Strings are cut
 * to {@link #MAX_NAME_CHARS} or {@link #MAX_TEXT_CHARS}; ids that are not OTLP-sized are treated as
 * absent.
 *
 * <p>Thread-safety: stateless; safe to use from any thread.
 */
final class LiveRecords {
  /** The event name of one goroutine's record. */
  static final String RUNNING_EVENT = "shuttle.goroutine.running";

  /** The event name of the record that closes a round. */
  static final String SNAPSHOT_EVENT = "shuttle.goroutines.snapshot";

  /** The longest name, owner, kind or state kept, in UTF-16 chars. */
  static final int MAX_NAME_CHARS = 256;

  /** The longest description of a wait, or body, kept, in UTF-16 chars. */
  static final int MAX_TEXT_CHARS = 1024;

  /** The most resource attributes kept per process, for display. */
  static final int MAX_RESOURCE_ATTRIBUTES = 16;

  /** The longest interval between rounds believed: a day. */
  static final long MAX_INTERVAL_MILLIS = 86_400_000L;

  private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
  private static final HexFormat HEX = HexFormat.of();

  private LiveRecords() {}

  /** One record of a round, in arrival order. */
  sealed interface Item permits Running, RoundEnd {}

  /** A {@code shuttle.goroutine.running} record. */
  record Running(RunningGoroutine goroutine) implements Item {}

  /** A {@code shuttle.goroutines.snapshot} record. */
  record RoundEnd(long round, int count, int blocked, long intervalMillis, long timeUnixNanos)
      implements Item {}

  /** The live records of one process in one export, in order. */
  record Sender(
      String key,
      String serviceName,
      String instanceId,
      Map<String, String> resource,
      List<Item> items) {}

  /**
   * The live records of an export.
   *
   * @param processes the live records, per process, in order
   * @param liveRecords how many live records there were, malformed ones included
   * @param malformed how many live records were dropped as malformed
   */
  record Found(List<Sender> processes, int liveRecords, int malformed) {}

  /** Reads the live records of an export's batches; the batches themselves are left as they are. */
  static Found read(List<ResourceLogs> batches) {
    List<Sender> processes = new ArrayList<>();
    int live = 0;
    int malformed = 0;
    for (ResourceLogs batch : batches) {
      List<Item> items = new ArrayList<>();
      for (ScopeLogs scope : batch.getScopeLogsList()) {
        for (LogRecord record : scope.getLogRecordsList()) {
          String event = eventName(record);
          if (event.equals(RUNNING_EVENT) || event.equals(SNAPSHOT_EVENT)) {
            live++;
            Item item = event.equals(RUNNING_EVENT) ? running(record) : roundEnd(record);
            if (item == null) {
              malformed++;
            } else {
              items.add(item);
            }
          }
        }
      }
      if (!items.isEmpty()) {
        processes.add(sender(batch.getResource(), items));
      }
    }
    return new Found(processes, live, malformed);
  }

  /** The event name: OTLP's {@code event_name}, or else the {@code event.name} attribute. */
  static String eventName(LogRecord record) {
    if (!record.getEventName().isEmpty()) {
      return record.getEventName();
    }
    for (KeyValue attribute : record.getAttributesList()) {
      if (attribute.getKey().equals("event.name") && attribute.getValue().hasStringValue()) {
        return attribute.getValue().getStringValue();
      }
    }
    return "";
  }

  private static Sender sender(Resource resource, List<Item> items) {
    String service = null;
    String instance = "";
    Map<String, String> shown = new LinkedHashMap<>();
    for (KeyValue attribute : resource.getAttributesList()) {
      AnyValue value = attribute.getValue();
      if (attribute.getKey().equals("service.name") && value.hasStringValue()) {
        service = value.getStringValue();
      } else if (attribute.getKey().equals("service.instance.id") && value.hasStringValue()) {
        instance = value.getStringValue();
      }
      if (shown.size() < MAX_RESOURCE_ATTRIBUTES) {
        shown.putIfAbsent(
            cut(attribute.getKey(), MAX_NAME_CHARS), cut(text(value), MAX_NAME_CHARS));
      }
    }
    String key;
    if (service != null) {
      key = digestIfLong("service " + service.length() + ":" + service + "|" + instance);
    } else {
      List<KeyValue> sorted = new ArrayList<>(resource.getAttributesList());
      sorted.sort(Comparator.comparing(KeyValue::getKey));
      StringBuilder all = new StringBuilder("resource");
      for (KeyValue attribute : sorted) {
        String value = text(attribute.getValue());
        all.append('|').append(attribute.getKey().length()).append(':').append(attribute.getKey());
        all.append('=').append(value.length()).append(':').append(value);
      }
      key = digestIfLong(all.toString());
    }
    return new Sender(
        key,
        cut(service == null ? "unknown_service" : service, MAX_NAME_CHARS),
        cut(instance, MAX_NAME_CHARS),
        shown,
        items);
  }

  /** A {@code shuttle.goroutine.running} record, or null if malformed. */
  private static @Nullable Running running(LogRecord record) {
    Attributes a = new Attributes(record);
    Long id = a.integer("shuttle.goroutine.id");
    Long round = a.integer("shuttle.goroutines.round");
    String state = a.string("shuttle.goroutine.state");
    if (a.malformed || id == null || round == null || state == null || state.isEmpty()) {
      return null;
    }
    String name = a.string("shuttle.goroutine.name");
    String owner = a.string("shuttle.goroutine.owner");
    Long parent = a.integer("shuttle.goroutine.parent_id");
    String blockedOn = a.string("shuttle.goroutine.blocked_on");
    String kind = a.string("shuttle.goroutine.blocked_on.kind");
    Long since = a.integer("shuttle.goroutine.blocked_since");
    Long started = a.integer("shuttle.goroutine.started_at");
    String spanName = a.string("shuttle.goroutine.span_name");
    String parentSpan = a.string("shuttle.goroutine.parent_span_id");
    if (a.malformed) {
      return null;
    }
    String parentSpanId = parentSpan == null ? "" : parentSpan.toLowerCase(java.util.Locale.ROOT);
    if (!SPAN_ID.matcher(parentSpanId).matches() || parentSpanId.equals("0000000000000000")) {
      parentSpanId = "";
    }
    String traceId = id(record.getTraceId(), 16);
    String spanId = traceId.isEmpty() ? "" : id(record.getSpanId(), 8);
    AnyValue body = record.getBody();
    return new Running(
        new RunningGoroutine(
            id,
            cut(name, MAX_NAME_CHARS),
            cut(owner, MAX_NAME_CHARS),
            parent == null ? 0 : parent,
            cut(state, MAX_NAME_CHARS),
            cut(blockedOn, MAX_TEXT_CHARS),
            cut(kind, MAX_NAME_CHARS),
            since == null ? 0 : Math.max(0, since),
            started == null ? 0 : Math.max(0, started),
            traceId,
            spanId,
            spanId.isEmpty() ? "" : cut(spanName, MAX_NAME_CHARS),
            spanId.isEmpty() || spanName == null || spanName.isEmpty() ? "" : parentSpanId,
            round,
            time(record),
            body.hasStringValue() ? cut(body.getStringValue(), MAX_TEXT_CHARS) : ""));
  }

  /** A {@code shuttle.goroutines.snapshot} record, or null if malformed. */
  private static @Nullable RoundEnd roundEnd(LogRecord record) {
    Attributes a = new Attributes(record);
    Long round = a.integer("shuttle.goroutines.round");
    Long count = a.integer("shuttle.goroutines.count");
    Long blocked = a.integer("shuttle.goroutines.blocked");
    Long interval = a.integer("shuttle.goroutines.interval_ms");
    if (a.malformed
        || round == null
        || count == null
        || interval == null
        || count < 0
        || interval <= 0
        || (blocked != null && blocked < 0)) {
      return null;
    }
    return new RoundEnd(
        round,
        (int) Math.min(count, Integer.MAX_VALUE),
        blocked == null ? 0 : (int) Math.min(blocked, Integer.MAX_VALUE),
        Math.min(interval, MAX_INTERVAL_MILLIS),
        time(record));
  }

  private static long time(LogRecord record) {
    return record.getTimeUnixNano() != 0
        ? record.getTimeUnixNano()
        : record.getObservedTimeUnixNano();
  }

  /** An OTLP id in hex if it has the right size and is not all zeros, else empty. */
  private static String id(ByteString bytes, int size) {
    if (bytes.size() != size) {
      return "";
    }
    for (int i = 0; i < size; i++) {
      if (bytes.byteAt(i) != 0) {
        return HEX.formatHex(bytes.toByteArray());
      }
    }
    return "";
  }

  /** Text no longer than {@code max} chars, never cut inside a surrogate pair; null as empty. */
  static String cut(@Nullable String text, int max) {
    return text == null ? "" : Excerpt.truncated(text, max);
  }

  /** A scalar attribute value as text; other kinds by their type. */
  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case BYTES_VALUE ->
          HEX.formatHex(
              value
                  .getBytesValue()
                  .substring(0, Math.min(64, value.getBytesValue().size()))
                  .toByteArray());
      case ARRAY_VALUE -> "[array]";
      case KVLIST_VALUE -> "[kvlist]";
      default -> "";
    };
  }

  private static String digestIfLong(String key) {
    if (key.length() <= 512) {
      return key;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HEX.formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * A record's attributes, read by key; the first of duplicate keys counts. {@code malformed} is
   * set when a key read has a value of the wrong type.
   */
  private static final class Attributes {
    private final Map<String, AnyValue> byKey = new LinkedHashMap<>();
    boolean malformed;

    Attributes(LogRecord record) {
      for (KeyValue attribute : record.getAttributesList()) {
        if (attribute.getKey().startsWith("shuttle.")) {
          byKey.putIfAbsent(attribute.getKey(), attribute.getValue());
        }
      }
    }

    @Nullable Long integer(String key) {
      AnyValue value = byKey.get(key);
      if (value == null) {
        return null;
      }
      if (!value.hasIntValue()) {
        malformed = true;
        return null;
      }
      return value.getIntValue();
    }

    @Nullable String string(String key) {
      AnyValue value = byKey.get(key);
      if (value == null) {
        return null;
      }
      if (!value.hasStringValue()) {
        malformed = true;
        return null;
      }
      return value.getStringValue();
    }
  }
}
