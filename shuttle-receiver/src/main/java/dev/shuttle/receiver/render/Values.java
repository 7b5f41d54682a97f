package dev.shuttle.receiver.render;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Formats OTLP values, attributes and durations as short text. Stateless and thread-safe. */
final class Values {
  private static final int MAX_VALUE_CHARS = 80;
  private static final Pattern LINE_BREAKS = Pattern.compile("\\s*\\R\\s*");

  private Values() {}

  static String value(AnyValue value) {
    String text =
        switch (value.getValueCase()) {
          case STRING_VALUE -> value.getStringValue();
          case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
          case INT_VALUE -> Long.toString(value.getIntValue());
          case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
          case BYTES_VALUE -> "0x" + HexFormat.of().formatHex(value.getBytesValue().toByteArray());
          case ARRAY_VALUE ->
              value.getArrayValue().getValuesList().stream()
                  .map(Values::value)
                  .collect(Collectors.joining(", ", "[", "]"));
          case KVLIST_VALUE ->
              attributes(value.getKvlistValue().getValuesList(), Integer.MAX_VALUE);
          case STRING_VALUE_STRINDEX -> "#" + value.getStringValueStrindex();
          case VALUE_NOT_SET -> "";
        };
    text = LINE_BREAKS.matcher(text).replaceAll(" ↵ "); // one span, one line
    return text.length() > MAX_VALUE_CHARS ? text.substring(0, MAX_VALUE_CHARS - 1) + "…" : text;
  }

  /** Formats up to {@code max} attributes as {@code {k=v, k2=v2, +3 more}}, or "" if none. */
  static String attributes(List<KeyValue> attributes, int max) {
    if (attributes.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("{");
    int shown = 0;
    for (KeyValue attribute : attributes) {
      if (shown == max) {
        out.append(", +").append(attributes.size() - max).append(" more");
        break;
      }
      if (shown > 0) {
        out.append(", ");
      }
      out.append(attribute.getKey()).append('=').append(value(attribute.getValue()));
      shown++;
    }
    return out.append('}').toString();
  }

  static String duration(long nanos) {
    if (nanos < 0) {
      return "?";
    }
    if (nanos < 1_000) {
      return nanos + " ns";
    }
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    }
    if (nanos < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.4g", value);
  }
}
