package dev.shuttle.receiver.viewer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ByteString;
import dev.shuttle.receiver.internal.Excerpt;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * The viewer's JSON: every document is a Gson tree written by Gson, never text joined by hand, so
 * that no string from the network can end a string or add a key. Gson's HTML escaping stays on
 * ({@code <} is written as a backslash, {@code u003c}): harmless to a JSON parser, and one more
 * guard should a response ever be sniffed as HTML.
 *
 * <p>Strings that came over the network are cut to {@link #MAX_TEXT_CHARS} chars (never inside a
 * surrogate pair) and marked with {@code …}; numbers that are not finite become {@code null}.
 *
 * <p>Thread-safety: stateless; safe to call from any thread.
 */
final class Json {
  /** The longest string from the network the viewer sends, in UTF-16 chars. */
  static final int MAX_TEXT_CHARS = 4096;

  /** The most attributes sent for one span, event, link or resource. */
  static final int MAX_ATTRIBUTES = 256;

  private static final Gson GSON = new GsonBuilder().serializeNulls().create();

  /** Quotes strings inside an array's or a key-value list's display text, which is a string. */
  private static final Gson QUOTE = new GsonBuilder().disableHtmlEscaping().create();

  private static final HexFormat HEX = HexFormat.of();

  private Json() {}

  /**
   * Writes a tree as compact UTF-8 JSON; a lone surrogate (which UTF-8 cannot carry) becomes
   * U+FFFD, the replacement character, rather than a {@code ?} that could have been sent.
   */
  static byte[] bytes(JsonElement tree) {
    return utf8(GSON.toJson(tree));
  }

  /** Encodes text as UTF-8, each lone surrogate as U+FFFD. */
  static byte[] utf8(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean lone =
          Character.isHighSurrogate(c)
              ? i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))
              : Character.isLowSurrogate(c)
                  && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
      if (lone && out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (out != null) {
        out.append(lone ? '\uFFFD' : c);
      }
    }
    return (out == null ? text : out.toString()).getBytes(StandardCharsets.UTF_8);
  }

  /** Writes a tree as compact JSON text. */
  static String text(JsonElement tree) {
    return GSON.toJson(tree);
  }

  /** A {@code {"error": message}} document. */
  static JsonObject error(String message) {
    JsonObject error = new JsonObject();
    error.addProperty("error", message);
    return error;
  }

  /** A string from the network, cut to {@link #MAX_TEXT_CHARS}. */
  static JsonPrimitive str(String text) {
    return new JsonPrimitive(cut(text, MAX_TEXT_CHARS));
  }

  /** A number, or {@code null} if it is not finite. */
  static JsonElement num(double value) {
    return Double.isFinite(value) ? new JsonPrimitive(value) : JsonNull.INSTANCE;
  }

  /** An id as lower-case hex, or {@code ""} if empty (ids are at most 16 bytes once validated). */
  static String hex(ByteString id) {
    return HEX.formatHex(id.substring(0, Math.min(id.size(), 32)).toByteArray());
  }

  /** Cuts text to at most {@code max} chars, never inside a surrogate pair, ending in {@code …}. */
  static String cut(String text, int max) {
    return Excerpt.truncated(text, max);
  }

  /** Attributes as {@code [Attr]}: at most {@link #MAX_ATTRIBUTES}. */
  static JsonArray attributes(List<KeyValue> attributes) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < attributes.size() && i < MAX_ATTRIBUTES; i++) {
      KeyValue attribute = attributes.get(i);
      JsonObject attr = new JsonObject();
      attr.add("key", str(attribute.getKey()));
      attr.addProperty("value", display(attribute.getValue()));
      attr.addProperty("type", type(attribute.getValue()));
      out.add(attr);
    }
    return out;
  }

  /** The type of a value, as the contract names it. */
  static String type(AnyValue value) {
    return switch (value.getValueCase()) {
      case BOOL_VALUE -> "bool";
      case INT_VALUE -> "int";
      case DOUBLE_VALUE -> "double";
      case ARRAY_VALUE -> "array";
      case KVLIST_VALUE -> "kvlist";
      case BYTES_VALUE -> "bytes";
      case STRING_VALUE, STRING_VALUE_STRINDEX, VALUE_NOT_SET -> "string";
    };
  }

  /**
   * The display form of a value: strings as they are, numbers and booleans in decimal, bytes as
   * hex, arrays and key-value lists as JSON-like text; cut to {@link #MAX_TEXT_CHARS}.
   */
  static String display(AnyValue value) {
    if (value.getValueCase() == AnyValue.ValueCase.STRING_VALUE) {
      return cut(value.getStringValue(), MAX_TEXT_CHARS);
    }
    StringBuilder out = new StringBuilder();
    append(out, value, false);
    return cut(out.toString(), MAX_TEXT_CHARS);
  }

  private static void append(StringBuilder out, AnyValue value, boolean nested) {
    if (out.length() > MAX_TEXT_CHARS) {
      return; // cut anyway: stop the work too
    }
    switch (value.getValueCase()) {
      case STRING_VALUE -> {
        if (nested) {
          out.append(QUOTE.toJson(cut(value.getStringValue(), MAX_TEXT_CHARS)));
        } else {
          out.append(value.getStringValue());
        }
      }
      case BOOL_VALUE -> out.append(value.getBoolValue());
      case INT_VALUE -> out.append(value.getIntValue());
      case DOUBLE_VALUE -> out.append(value.getDoubleValue());
      case BYTES_VALUE -> {
        ByteString bytes = value.getBytesValue();
        out.append(
            HEX.formatHex(
                bytes.substring(0, Math.min(bytes.size(), MAX_TEXT_CHARS / 2)).toByteArray()));
      }
      case ARRAY_VALUE -> {
        out.append('[');
        List<AnyValue> values = value.getArrayValue().getValuesList();
        for (int i = 0; i < values.size() && out.length() <= MAX_TEXT_CHARS; i++) {
          if (i > 0) {
            out.append(", ");
          }
          append(out, values.get(i), true);
        }
        out.append(']');
      }
      case KVLIST_VALUE -> {
        out.append('{');
        List<KeyValue> values = value.getKvlistValue().getValuesList();
        for (int i = 0; i < values.size() && out.length() <= MAX_TEXT_CHARS; i++) {
          if (i > 0) {
            out.append(", ");
          }
          out.append(QUOTE.toJson(cut(values.get(i).getKey(), MAX_TEXT_CHARS))).append(": ");
          append(out, values.get(i).getValue(), true);
        }
        out.append('}');
      }
      case STRING_VALUE_STRINDEX -> out.append('#').append(value.getStringValueStrindex());
      case VALUE_NOT_SET -> {
        if (nested) {
          out.append("null");
        }
      }
    }
  }
}
