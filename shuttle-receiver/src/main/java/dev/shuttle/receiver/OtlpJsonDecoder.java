package dev.shuttle.receiver;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.shuttle.receiver.internal.Excerpt;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A streaming, schema-driven decoder of the OTLP/JSON encoding into protobuf builders.
 *
 * <p>It implements the protobuf JSON mapping with the OTLP deviations (OTLP specification, "JSON
 * Protobuf Encoding"), reading the JSON tokens once, with no intermediate tree:
 *
 * <ul>
 *   <li>{@code traceId}, {@code spanId} and {@code parentSpanId} (in spans, links, log records and
 *       exemplars) are hex strings, either case, of exactly 32 (trace) or 16 (span) digits, or
 *       empty; other {@code bytes} fields are base64, standard or URL-safe, padding optional.
 *   <li>Enum values are integers (any {@code int32}, as proto3 enums are open) or the value's proto
 *       name; an unknown name is rejected.
 *   <li>Integers are JSON numbers or decimal strings, integral and within the field's range; floats
 *       are numbers or strings, including {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 *   <li>Keys are the lowerCamelCase JSON names or the proto field names; a field given twice (under
 *       either name), or two members of one oneof, are rejected. Keys of no known field are skipped
 *       at any depth, whatever they contain.
 *   <li>Strings are valid Unicode: a JSON escape of half a surrogate pair (a lone surrogate, such
 *       as backslash {@code ud800} with no low surrogate after it) is rejected, as protobuf strings
 *       are UTF-8, which cannot hold one, and a dump holding one could not be written.
 *   <li>{@code null} means the field's default; a {@code null} array element is rejected.
 *   <li>Messages nest at most {@value #MAX_DEPTH} deep, as protobuf's binary parser allows.
 *   <li>A span's own ids are required: see {@link OtlpValidation}.
 * </ul>
 *
 * <p>Errors are {@link InvalidProtocolBufferException}s whose message starts with the path of the
 * offending field in JSON names, such as {@code resourceSpans[0].scopeSpans[0].spans[3].traceId:
 * expected 32 hex characters, got 4} (a path deeper than a few levels is shown as its start, {@code
 * ...} and its end); received values appear only as short escaped {@link Excerpt}s.
 *
 * <p>Thread-safety: an instance reads one document on one thread; the static methods are safe to
 * call from any thread.
 */
final class OtlpJsonDecoder {
  /** The deepest nesting of messages accepted, as in protobuf's binary parser. */
  static final int MAX_DEPTH = 100;

  /** The longest number literal accepted; no valid OTLP number comes near it. */
  private static final int MAX_NUMBER_CHARS = 400;

  private static final Map<String, Integer> ID_BYTES =
      Map.of(
          "trace_id", OtlpValidation.TRACE_ID_BYTES,
          "span_id", OtlpValidation.SPAN_ID_BYTES,
          "parent_span_id", OtlpValidation.SPAN_ID_BYTES);
  private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS =
      new ConcurrentHashMap<>();
  private static final BigInteger MIN_INT32 = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger MAX_INT32 = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger MAX_UINT32 =
      BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
  private static final BigInteger MIN_INT64 = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX_INT64 = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger MAX_UINT64 =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final Pattern POSITION = Pattern.compile("line (\\d+) column (\\d+)");

  private final JsonReader reader;

  private OtlpJsonDecoder(Reader in) {
    this.reader = new JsonReader(in);
    reader.setStrictness(Strictness.STRICT);
  }

  /** Reads the values of the keys of a document's top-level object, for {@link #read}. */
  @FunctionalInterface
  interface FieldSink {
    /**
     * Decodes the value of a top-level key.
     *
     * @param decoder the decoder positioned at the value
     * @param key the key as received
     * @return false if the key is unknown (the caller then skips its value)
     */
    boolean read(OtlpJsonDecoder decoder, String key) throws IOException;
  }

  /**
   * Decodes one JSON object into a builder.
   *
   * @param in the JSON text; {@link CharacterCodingException}s it throws are reported as invalid
   *     UTF-8
   * @param builder the builder to merge into
   * @throws InvalidProtocolBufferException if the text is not valid OTLP/JSON for the message
   * @throws IOException if reading fails otherwise
   */
  static void merge(Reader in, Message.Builder builder) throws IOException {
    OtlpJsonDecoder decoder = new OtlpJsonDecoder(in);
    decoder.document(() -> decoder.readMessage(builder, null, 0));
  }

  /**
   * Decodes one JSON object whose keys are handled by a sink, such as a dump with its {@code
   * resourceSpans}, {@code resourceMetrics} and {@code resourceLogs}.
   *
   * @param in the JSON text
   * @param sink reads the value of each key, or declines it (the value is then skipped)
   * @throws InvalidProtocolBufferException if the text is not valid OTLP/JSON
   * @throws IOException if reading fails otherwise
   */
  static void read(Reader in, FieldSink sink) throws IOException {
    OtlpJsonDecoder decoder = new OtlpJsonDecoder(in);
    decoder.document(
        () -> {
          decoder.reader.beginObject();
          while (decoder.reader.hasNext()) {
            if (!sink.read(decoder, decoder.reader.nextName())) {
              decoder.reader.skipValue();
            }
          }
          decoder.reader.endObject();
        });
  }

  /**
   * Reads the value of a field of a message at the top level of a document, for a {@link
   * FieldSink}.
   *
   * @param builder the message holding the field
   * @param field the field
   * @throws IOException if the value is invalid (an {@link InvalidProtocolBufferException}) or
   *     cannot be read
   */
  void readField(Message.Builder builder, FieldDescriptor field) throws IOException {
    readFieldValue(builder, field, Path.field(null, field.getJsonName()), 0);
  }

  @FunctionalInterface
  private interface Body {
    void run() throws IOException;
  }

  private void document(Body body) throws IOException {
    try {
      JsonToken first = reader.peek();
      if (first != JsonToken.BEGIN_OBJECT) {
        throw invalid(null, "expected a JSON object, got " + describe(first));
      }
      body.run();
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw invalid(null, "invalid JSON: unexpected content after the JSON object");
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (CharacterCodingException e) {
      throw new InvalidProtocolBufferException("invalid UTF-8: the body is not UTF-8 text");
    } catch (MalformedJsonException | EOFException | IllegalStateException e) {
      throw new InvalidProtocolBufferException(syntaxError(e));
    }
  }

  private void readMessage(Message.Builder builder, @Nullable Path path, int depth)
      throws IOException {
    if (depth > MAX_DEPTH) {
      throw invalid(path, "messages nested deeper than " + MAX_DEPTH);
    }
    Map<String, FieldDescriptor> fields = fieldsOf(builder.getDescriptorForType());
    BitSet seen = new BitSet();
    reader.beginObject();
    while (reader.hasNext()) {
      FieldDescriptor field = fields.get(reader.nextName());
      if (field == null) {
        reader.skipValue(); // unknown fields are ignored, whatever they hold
        continue;
      }
      Path fieldPath = Path.field(path, field.getJsonName());
      if (seen.get(field.getIndex())) {
        throw invalid(fieldPath, "given twice");
      }
      seen.set(field.getIndex());
      readFieldValue(builder, field, fieldPath, depth);
    }
    reader.endObject();
  }

  private void readFieldValue(Message.Builder builder, FieldDescriptor field, Path path, int depth)
      throws IOException {
    if (reader.peek() == JsonToken.NULL) {
      reader.nextNull(); // the default value
      return;
    }
    if (field.isMapField()) {
      throw invalid(path, "map fields are not part of OTLP"); // none exists in OTLP's schema
    }
    if (field.isRepeated()) {
      expect(JsonToken.BEGIN_ARRAY, path, "an array");
      reader.beginArray();
      for (int i = 0; reader.hasNext(); i++) {
        Path element = Path.index(path, i);
        if (reader.peek() == JsonToken.NULL) {
          throw invalid(element, "null is not allowed in an array");
        }
        builder.addRepeatedField(field, readValue(builder, field, element, depth));
      }
      reader.endArray();
      return;
    }
    OneofDescriptor oneof = field.getRealContainingOneof();
    if (oneof != null && builder.hasOneof(oneof)) {
      throw invalid(path, "only one field of '" + oneof.getName() + "' may be set");
    }
    builder.setField(field, readValue(builder, field, path, depth));
  }

  private Object readValue(Message.Builder parent, FieldDescriptor field, Path path, int depth)
      throws IOException {
    return switch (field.getJavaType()) {
      case MESSAGE -> readSubMessage(parent, field, path, depth);
      case STRING -> readString(path);
      case BOOLEAN -> {
        expect(JsonToken.BOOLEAN, path, "true or false");
        yield reader.nextBoolean();
      }
      case INT -> readInt(field, path);
      case LONG -> readLong(field, path);
      case DOUBLE -> readDouble(path);
      case FLOAT -> (float) readDouble(path);
      case BYTE_STRING -> {
        Integer idBytes = ID_BYTES.get(field.getName());
        yield idBytes == null ? readBase64(path) : readHexId(path, idBytes);
      }
      case ENUM -> readEnum(field, path);
    };
  }

  private Message readSubMessage(
      Message.Builder parent, FieldDescriptor field, Path path, int depth) throws IOException {
    expect(JsonToken.BEGIN_OBJECT, path, "an object");
    Message.Builder builder = parent.newBuilderForField(field);
    readMessage(builder, path, depth + 1);
    Message message = builder.build();
    String problem =
        switch (message) {
          case Span span -> OtlpValidation.spanProblem(span);
          case LogRecord record -> OtlpValidation.logRecordProblem(record);
          case Exemplar exemplar -> OtlpValidation.exemplarProblem(exemplar);
          default -> null;
        };
    if (problem != null) {
      throw new InvalidProtocolBufferException(path + "." + problem);
    }
    return message;
  }

  private String readString(Path path) throws IOException {
    expect(JsonToken.STRING, path, "a string");
    String text = reader.nextString();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          // protobuf strings are UTF-8, which has no encoding for half a surrogate pair
          throw invalid(
              path, "not valid Unicode: a lone surrogate \\u" + HexFormat.of().toHexDigits(c));
        }
      }
    }
    return text;
  }

  private ByteString readHexId(Path path, int bytes) throws IOException {
    String what = (bytes * 2) + " hex characters";
    expect(JsonToken.STRING, path, "a string of " + what);
    String hex = reader.nextString();
    if (hex.isEmpty()) {
      return ByteString.EMPTY; // an absent id; OtlpValidation decides whether it is required
    }
    for (int i = 0; i < hex.length(); i++) {
      if (!HexFormat.isHexDigit(hex.charAt(i))) {
        throw invalid(
            path, "not a hex string (OTLP/JSON ids are hex, not base64); expected " + what);
      }
    }
    if (hex.length() != bytes * 2) {
      throw invalid(path, "expected " + what + ", got " + hex.length());
    }
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  private ByteString readBase64(Path path) throws IOException {
    String text = readString(path);
    boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
    try {
      return ByteString.copyFrom(
          (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text));
    } catch (IllegalArgumentException e) {
      throw invalid(path, "not valid base64");
    }
  }

  private EnumValueDescriptor readEnum(FieldDescriptor field, Path path) throws IOException {
    JsonToken token = reader.peek();
    if (token == JsonToken.STRING) {
      String name = reader.nextString();
      EnumValueDescriptor value = field.getEnumType().findValueByName(name);
      if (value == null) {
        throw invalid(
            path,
            "unknown "
                + field.getEnumType().getName()
                + " name "
                + Excerpt.quoted(name)
                + " (send the integer value)");
      }
      return value;
    }
    if (token != JsonToken.NUMBER) {
      throw invalid(path, "expected an integer or an enum name, got " + describe(token));
    }
    int number = integer(path, "a 32-bit integer", MIN_INT32, MAX_INT32).intValue();
    return field.getEnumType().findValueByNumberCreatingIfUnknown(number);
  }

  private int readInt(FieldDescriptor field, Path path) throws IOException {
    return switch (field.getType()) {
      case UINT32, FIXED32 ->
          (int)
              integer(path, "an unsigned 32-bit integer", BigInteger.ZERO, MAX_UINT32).longValue();
      default -> integer(path, "a 32-bit integer", MIN_INT32, MAX_INT32).intValue();
    };
  }

  private long readLong(FieldDescriptor field, Path path) throws IOException {
    return switch (field.getType()) {
      case UINT64, FIXED64 ->
          integer(path, "an unsigned 64-bit integer", BigInteger.ZERO, MAX_UINT64).longValue();
      default -> integer(path, "a 64-bit integer", MIN_INT64, MAX_INT64).longValue();
    };
  }

  /** Reads an integer given as a number or a decimal string, exponent allowed, within range. */
  private BigInteger integer(Path path, String what, BigInteger min, BigInteger max)
      throws IOException {
    String text = numberText(path, what);
    BigDecimal decimal = decimal(text, path, what);
    if (decimal.signum() == 0) {
      return BigInteger.ZERO;
    }
    BigDecimal stripped = decimal.stripTrailingZeros();
    if (stripped.scale() > 0 || stripped.precision() - stripped.scale() > 20) {
      throw invalid(path, "expected " + what + ", got " + Excerpt.of(text));
    }
    BigInteger value = stripped.toBigIntegerExact();
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw invalid(path, "expected " + what + ", got " + Excerpt.of(text) + " (out of range)");
    }
    return value;
  }

  private double readDouble(Path path) throws IOException {
    String what = "a number";
    String text = numberText(path, what);
    return switch (text) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> {
        decimal(text, path, what); // the JSON number grammar, also for strings
        double value = Double.parseDouble(text);
        if (Double.isInfinite(value)) {
          throw invalid(path, "number out of range: " + Excerpt.of(text));
        }
        yield value;
      }
    };
  }

  private String numberText(Path path, String what) throws IOException {
    JsonToken token = reader.peek();
    if (token != JsonToken.NUMBER && token != JsonToken.STRING) {
      throw invalid(path, "expected " + what + ", got " + describe(token));
    }
    String text = reader.nextString();
    if (text.length() > MAX_NUMBER_CHARS) {
      throw invalid(path, "expected " + what + ", got a number of " + text.length() + " digits");
    }
    return text;
  }

  private static BigDecimal decimal(String text, Path path, String what)
      throws InvalidProtocolBufferException {
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw invalid(path, "expected " + what + ", got " + Excerpt.quoted(text));
    }
  }

  private void expect(JsonToken expected, Path path, String what) throws IOException {
    JsonToken token = reader.peek();
    if (token != expected) {
      throw invalid(path, "expected " + what + ", got " + describe(token));
    }
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case BEGIN_ARRAY -> "an array";
      case BEGIN_OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case END_DOCUMENT -> "the end of the input";
      case END_ARRAY, END_OBJECT, NAME -> token.name().toLowerCase(Locale.ROOT);
    };
  }

  private static InvalidProtocolBufferException invalid(@Nullable Path path, String message) {
    return new InvalidProtocolBufferException(path == null ? message : path + ": " + message);
  }

  /**
   * Describes a JSON syntax error by its position and Gson's wording of it, without the JSON path
   * or any advice about Gson's API that Gson's messages carry.
   */
  private static String syntaxError(Exception e) {
    String message = String.valueOf(e.getMessage());
    Matcher position = POSITION.matcher(message);
    int at = message.indexOf(" at line ");
    String what = at < 0 ? message : message.substring(0, at);
    if (e instanceof EOFException) {
      what = "unexpected end of input";
    } else if (what.contains("JsonReader") || what.contains("Strictness") || what.contains("\n")) {
      what = "malformed JSON";
    }
    StringBuilder result = new StringBuilder("invalid JSON");
    if (position.find()) {
      result.append(" at line ").append(position.group(1));
      result.append(" column ").append(position.group(2));
    }
    if (!what.isEmpty()) {
      result
          .append(": ")
          .append(Excerpt.of(Character.toLowerCase(what.charAt(0)) + what.substring(1)));
    }
    return result.toString();
  }

  private static Map<String, FieldDescriptor> fieldsOf(Descriptor type) {
    return FIELDS.computeIfAbsent(
        type,
        t -> {
          Map<String, FieldDescriptor> byName = new HashMap<>();
          for (FieldDescriptor field : t.getFields()) {
            byName.put(field.getName(), field);
            byName.put(field.getJsonName(), field);
          }
          return Map.copyOf(byName);
        });
  }

  /** A field path in JSON names, built on the way down and only printed on error. */
  private record Path(@Nullable Path parent, String segment) {
    /** Paths longer than this are shown with their middle elided, to keep errors short. */
    static final int MAX_SHOWN_CHARS = 120;

    static Path field(@Nullable Path parent, String jsonName) {
      return new Path(parent, parent == null ? jsonName : "." + jsonName);
    }

    static Path index(Path parent, int index) {
      return new Path(parent, "[" + index + "]");
    }

    /**
     * Returns the path, or for a deeply nested field its start (which resource, scope and item) and
     * its end (which field), with {@code ...} for the segments between.
     */
    @Override
    public String toString() {
      StringBuilder full = new StringBuilder();
      append(full);
      if (full.length() <= MAX_SHOWN_CHARS) {
        return full.toString();
      }
      int head = full.indexOf(".", 48);
      int tail = head < 0 ? -1 : full.indexOf(".", full.length() - (MAX_SHOWN_CHARS - head - 3));
      if (tail <= head) {
        return "..." + full.substring(full.length() - MAX_SHOWN_CHARS + 3);
      }
      return full.substring(0, head) + "..." + full.substring(tail);
    }

    private void append(StringBuilder out) {
      if (parent != null) {
        parent.append(out);
      }
      out.append(segment);
    }
  }
}
