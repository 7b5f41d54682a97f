package dev.shuttle.receiver;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads and writes the OTLP/JSON encoding: protobuf's canonical JSON mapping, except that trace and
 * span ids are hex strings rather than base64, and enum values are integers.
 *
 * <p>Protobuf's {@code JsonFormat} alone reads and writes {@code bytes} fields as base64, so this
 * class converts every {@code traceId}, {@code spanId} and {@code parentSpanId} (in spans, links,
 * log records and exemplars) between hex and base64 on the JSON tree. Reading accepts enum values
 * as names or integers, lowerCamelCase or snake_case keys, and ignores unknown fields, as the OTLP
 * specification asks of receivers.
 *
 * <p>Thread-safety: stateless; all methods are safe to call from any thread.
 */
public final class OtlpJson {
  private static final Set<String> ID_KEYS =
      Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id");
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().printingEnumsAsInts().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().create();
  private static final Gson PRETTY =
      new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();
  private static final HexFormat HEX = HexFormat.of();

  private OtlpJson() {}

  /**
   * Encodes a message as compact OTLP/JSON with hex ids.
   *
   * @param message any OTLP message, such as an {@link ExportTraceServiceRequest}
   * @return the JSON text
   */
  public static String print(Message message) {
    return COMPACT.toJson(toTree(message));
  }

  /**
   * Decodes OTLP/JSON with hex ids into a builder.
   *
   * @param json the JSON text
   * @param builder the builder to merge into
   * @throws InvalidProtocolBufferException if the text is not valid JSON, does not match the
   *     message, or holds an id that is not hex
   */
  public static void merge(String json, Message.Builder builder)
      throws InvalidProtocolBufferException {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(builder, "builder");
    JsonElement tree = parseStrict(json);
    mergeTree(tree, builder);
  }

  /**
   * Decodes an OTLP/JSON trace export request.
   *
   * @param json the JSON text
   * @return the request
   * @throws InvalidProtocolBufferException if the text is not a valid OTLP/JSON trace request
   */
  public static ExportTraceServiceRequest parseTraces(String json)
      throws InvalidProtocolBufferException {
    ExportTraceServiceRequest.Builder builder = ExportTraceServiceRequest.newBuilder();
    merge(json, builder);
    return builder.build();
  }

  /**
   * Writes everything the store holds to a file as one OTLP/JSON object with the keys {@code
   * resourceSpans}, {@code resourceMetrics} and {@code resourceLogs}.
   *
   * @param store the store to dump
   * @param file the file to create or replace
   * @throws IOException if the file cannot be written
   */
  public static void dump(TelemetryStore store, Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    Files.writeString(file, dump(store), StandardCharsets.UTF_8);
  }

  /**
   * Returns everything the store holds as one pretty-printed OTLP/JSON object with the keys {@code
   * resourceSpans}, {@code resourceMetrics} and {@code resourceLogs}.
   *
   * @param store the store to dump
   * @return the JSON text
   */
  public static String dump(TelemetryStore store) {
    Objects.requireNonNull(store, "store");
    JsonObject root = new JsonObject();
    root.add("resourceSpans", arrayOf(toTree(store.tracesAsRequest()), "resourceSpans"));
    root.add("resourceMetrics", arrayOf(toTree(store.metricsAsRequest()), "resourceMetrics"));
    root.add("resourceLogs", arrayOf(toTree(store.logsAsRequest()), "resourceLogs"));
    return PRETTY.toJson(root);
  }

  /**
   * Reads a dump written by {@link #dump(TelemetryStore, Path)} (or any OTLP/JSON object with those
   * keys).
   *
   * @param file the dump file
   * @return the spans, metrics and logs it holds
   * @throws IOException if the file cannot be read or is not valid OTLP/JSON
   */
  public static OtlpDump readDump(Path file) throws IOException {
    return parseDump(Files.readString(Objects.requireNonNull(file, "file")));
  }

  /**
   * Parses the text of a dump.
   *
   * @param json the dump text
   * @return the spans, metrics and logs it holds
   * @throws InvalidProtocolBufferException if the text is not valid OTLP/JSON
   */
  public static OtlpDump parseDump(String json) throws InvalidProtocolBufferException {
    JsonElement tree = parseStrict(json);
    if (!tree.isJsonObject()) {
      throw new InvalidProtocolBufferException("an OTLP/JSON dump must be a JSON object");
    }
    JsonObject root = tree.getAsJsonObject();
    ExportTraceServiceRequest.Builder traces = ExportTraceServiceRequest.newBuilder();
    ExportMetricsServiceRequest.Builder metrics = ExportMetricsServiceRequest.newBuilder();
    ExportLogsServiceRequest.Builder logs = ExportLogsServiceRequest.newBuilder();
    mergeTree(only(root, "resourceSpans"), traces);
    mergeTree(only(root, "resourceMetrics"), metrics);
    mergeTree(only(root, "resourceLogs"), logs);
    return new OtlpDump(traces.build(), metrics.build(), logs.build());
  }

  private static JsonObject only(JsonObject root, String key) {
    JsonObject result = new JsonObject();
    JsonElement value = root.get(key);
    if (value != null) {
      result.add(key, value);
    }
    return result;
  }

  private static JsonArray arrayOf(JsonElement request, String key) {
    JsonElement array = request.getAsJsonObject().get(key);
    return array == null ? new JsonArray() : array.getAsJsonArray();
  }

  private static JsonElement toTree(Message message) {
    Objects.requireNonNull(message, "message");
    String json;
    try {
      json = PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields without a type registry fail to print; OTLP messages have none.
      throw new IllegalStateException(
          "cannot print " + message.getDescriptorForType().getFullName(), e);
    }
    JsonElement tree = JsonParser.parseString(json);
    convertIds(tree, OtlpJson::base64ToHex);
    return tree;
  }

  private static void mergeTree(JsonElement tree, Message.Builder builder)
      throws InvalidProtocolBufferException {
    try {
      convertIds(tree, OtlpJson::hexToBase64);
    } catch (IllegalArgumentException e) {
      throw new InvalidProtocolBufferException(e.getMessage());
    }
    PARSER.merge(COMPACT.toJson(tree), builder);
  }

  private static JsonElement parseStrict(String json) throws InvalidProtocolBufferException {
    try {
      JsonReader reader = new JsonReader(new StringReader(json));
      reader.setStrictness(Strictness.STRICT);
      JsonElement tree = JsonParser.parseReader(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new InvalidProtocolBufferException("unexpected content after the JSON value");
      }
      return tree;
    } catch (JsonParseException | IOException | IllegalStateException e) {
      throw new InvalidProtocolBufferException("invalid JSON: " + e.getMessage());
    }
  }

  private static void convertIds(JsonElement element, UnaryOperator<String> conversion) {
    if (element.isJsonObject()) {
      for (Map.Entry<String, JsonElement> entry : element.getAsJsonObject().entrySet()) {
        JsonElement value = entry.getValue();
        if (ID_KEYS.contains(entry.getKey())
            && value.isJsonPrimitive()
            && value.getAsJsonPrimitive().isString()) {
          entry.setValue(new JsonPrimitive(conversion.apply(value.getAsString())));
        } else {
          convertIds(value, conversion);
        }
      }
    } else if (element.isJsonArray()) {
      for (JsonElement item : element.getAsJsonArray()) {
        convertIds(item, conversion);
      }
    }
  }

  private static String hexToBase64(String hex) {
    try {
      if (hex.length() % 2 != 0) {
        throw new IllegalArgumentException("odd length");
      }
      return Base64.getEncoder().encodeToString(HEX.parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "trace/span id '" + hex + "' is not a hex string (OTLP/JSON ids are hex, not base64)", e);
    }
  }

  private static String base64ToHex(String base64) {
    return HEX.formatHex(Base64.getDecoder().decode(base64));
  }
}
