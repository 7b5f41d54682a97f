package dev.shuttle.receiver;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads and writes the OTLP/JSON encoding: protobuf's canonical JSON mapping, except that trace and
 * span ids are hex strings rather than base64, and enum values are integers.
 *
 * <p>Writing uses protobuf's {@code JsonFormat} and converts every {@code traceId}, {@code spanId}
 * and {@code parentSpanId} (in spans, links, log records and exemplars) from base64 to hex.
 *
 * <p>Reading streams the JSON once, straight into the message builders, and validates what the OTLP
 * specification and the protobuf JSON mapping ask: ids are hex of exactly the right length (a
 * span's own ids are also required and not all zeros); every value has its field's JSON type; enum
 * values are integers or known names; 64-bit integers are numbers or decimal strings; keys are
 * lowerCamelCase or the proto field names; unknown fields are ignored at any depth, whatever they
 * hold; bytes are decoded as strict UTF-8. Errors name the field by its path, such as {@code
 * resourceSpans[0].scopeSpans[0].spans[3].traceId: expected 32 hex characters, got 4}, and quote
 * received text only as a short escaped excerpt. {@code OtlpJsonDecoder} lists every rule.
 *
 * <p>Thread-safety: stateless; all methods are safe to call from any thread.
 */
public final class OtlpJson {
  private static final Set<String> ID_KEYS = Set.of("traceId", "spanId", "parentSpanId");
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().printingEnumsAsInts().omittingInsignificantWhitespace();
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
   * Decodes OTLP/JSON text into a builder.
   *
   * @param json the JSON text
   * @param builder the builder to merge into
   * @throws InvalidProtocolBufferException if the text is not valid OTLP/JSON for the message; the
   *     exception's message names the offending field and holds at most a short excerpt of the
   *     input
   */
  public static void merge(String json, Message.Builder builder)
      throws InvalidProtocolBufferException {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(builder, "builder");
    try {
      OtlpJsonDecoder.merge(new StringReader(json), builder);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("reading a string cannot fail", e);
    }
  }

  /**
   * Decodes OTLP/JSON bytes into a builder; this is how to read a request body.
   *
   * <p>The bytes are decoded as strict UTF-8: a malformed sequence is an error, never replaced.
   *
   * @param json the UTF-8 JSON bytes; read up to the end of the JSON object, and not closed
   * @param builder the builder to merge into
   * @throws InvalidProtocolBufferException if the bytes are not UTF-8 or not valid OTLP/JSON for
   *     the message (an HTTP receiver answers 400); the exception's message names the offending
   *     field and holds at most a short excerpt of the input
   * @throws IOException if reading the stream fails
   */
  public static void merge(InputStream json, Message.Builder builder) throws IOException {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(builder, "builder");
    OtlpJsonDecoder.merge(utf8(json), builder);
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
   * keys), as strict UTF-8.
   *
   * @param file the dump file
   * @return the spans, metrics and logs it holds
   * @throws IOException if the file cannot be read, or is not valid OTLP/JSON (then an {@link
   *     InvalidProtocolBufferException})
   */
  public static OtlpDump readDump(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(Objects.requireNonNull(file, "file"))) {
      return readDump(utf8(in));
    }
  }

  /**
   * Parses the text of a dump.
   *
   * @param json the dump text
   * @return the spans, metrics and logs it holds
   * @throws InvalidProtocolBufferException if the text is not valid OTLP/JSON
   */
  public static OtlpDump parseDump(String json) throws InvalidProtocolBufferException {
    Objects.requireNonNull(json, "json");
    try {
      return readDump(new StringReader(json));
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("reading a string cannot fail", e);
    }
  }

  private static OtlpDump readDump(Reader json) throws IOException {
    ExportTraceServiceRequest.Builder traces = ExportTraceServiceRequest.newBuilder();
    ExportMetricsServiceRequest.Builder metrics = ExportMetricsServiceRequest.newBuilder();
    ExportLogsServiceRequest.Builder logs = ExportLogsServiceRequest.newBuilder();
    Set<String> seen = new HashSet<>();
    OtlpJsonDecoder.read(
        json,
        (decoder, key) -> {
          Message.Builder builder =
              switch (key) {
                case "resourceSpans", "resource_spans" -> traces;
                case "resourceMetrics", "resource_metrics" -> metrics;
                case "resourceLogs", "resource_logs" -> logs;
                default -> null;
              };
          if (builder == null) {
            return false;
          }
          // an export request has one field: its list of resources, named as the dump's key
          FieldDescriptor field = builder.getDescriptorForType().getFields().getFirst();
          if (!seen.add(field.getJsonName())) {
            throw new InvalidProtocolBufferException(field.getJsonName() + ": given twice");
          }
          decoder.readField(builder, field);
          return true;
        });
    return new OtlpDump(traces.build(), metrics.build(), logs.build());
  }

  /** Returns a reader of strict UTF-8: a malformed sequence is an error, never replaced. */
  private static Reader utf8(InputStream in) {
    return new InputStreamReader(
        in,
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT));
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
    convertIds(tree);
    return tree;
  }

  /** Rewrites the base64 ids that {@code JsonFormat} printed as hex. */
  private static void convertIds(JsonElement element) {
    if (element.isJsonObject()) {
      for (Map.Entry<String, JsonElement> entry : element.getAsJsonObject().entrySet()) {
        JsonElement value = entry.getValue();
        if (ID_KEYS.contains(entry.getKey())
            && value.isJsonPrimitive()
            && value.getAsJsonPrimitive().isString()) {
          entry.setValue(
              new JsonPrimitive(HEX.formatHex(Base64.getDecoder().decode(value.getAsString()))));
        } else {
          convertIds(value);
        }
      }
    } else if (element.isJsonArray()) {
      for (JsonElement item : element.getAsJsonArray()) {
        convertIds(item);
      }
    }
  }
}
