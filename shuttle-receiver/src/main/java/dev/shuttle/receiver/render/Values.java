package dev.shuttle.receiver.render;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Formats OTLP values, attributes and durations as short text. Every key and string value is
 * escaped with {@link Untrusted}, and each value is cut to {@value #MAX_VALUE_CHARS} chars, arrays
 * and key-value lists included. An attribute whose key ends in {@value #NANOS_SUFFIX} holds
 * nanoseconds: its whole, non-negative number is shown as a duration ({@code job.queue_wait_ns=20.4
 * ms}), in the format of span durations. Stateless and thread-safe.
 */
final class Values {
  private static final int MAX_VALUE_CHARS = 80;
  private static final String NANOS_SUFFIX = "_ns";

  private Values() {}

  /** Formats a value, escaped and cut to {@value #MAX_VALUE_CHARS} chars. */
  static String value(AnyValue value) {
    BoundedText out = new BoundedText(MAX_VALUE_CHARS);
    append(out, value);
    return out.toString();
  }

  private static void append(BoundedText out, AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE -> out.untrusted(value.getStringValue());
      case BOOL_VALUE -> out.trusted(Boolean.toString(value.getBoolValue()));
      case INT_VALUE -> out.trusted(Long.toString(value.getIntValue()));
      case DOUBLE_VALUE -> out.trusted(Double.toString(value.getDoubleValue()));
      case BYTES_VALUE -> {
        ByteString bytes = value.getBytesValue();
        // two hex digits a byte: one more byte than fits is enough to show the cut
        int shown = Math.min(bytes.size(), MAX_VALUE_CHARS / 2 + 1);
        out.trusted("0x")
            .trusted(HexFormat.of().formatHex(bytes.substring(0, shown).toByteArray()));
      }
      case ARRAY_VALUE -> {
        out.trusted("[");
        List<AnyValue> values = value.getArrayValue().getValuesList();
        for (int i = 0; i < values.size() && !out.isCut(); i++) {
          if (i > 0) {
            out.trusted(", ");
          }
          append(out, values.get(i));
        }
        out.trusted("]");
      }
      case KVLIST_VALUE -> {
        out.trusted("{");
        List<KeyValue> values = value.getKvlistValue().getValuesList();
        for (int i = 0; i < values.size() && !out.isCut(); i++) {
          if (i > 0) {
            out.trusted(", ");
          }
          out.untrusted(values.get(i).getKey()).trusted("=");
          append(out, values.get(i).getValue());
        }
        out.trusted("}");
      }
      case STRING_VALUE_STRINDEX -> out.trusted("#" + value.getStringValueStrindex());
      case VALUE_NOT_SET -> {}
    }
  }

  /**
   * Formats up to {@code max} attributes as {@code {k=v, k2=v2, +3 more}}, or "" if none; keys and
   * values are escaped and each is cut to {@value #MAX_VALUE_CHARS} chars; nanoseconds are shown as
   * durations.
   */
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
      out.append(Untrusted.escape(attribute.getKey(), MAX_VALUE_CHARS))
          .append('=')
          .append(
              attribute.getKey().endsWith(NANOS_SUFFIX)
                  ? nanos(attribute.getValue())
                  : value(attribute.getValue()));
      shown++;
    }
    return out.append('}').toString();
  }

  /** Formats a value that holds nanoseconds as a duration, or as it is if it is not a count. */
  private static String nanos(AnyValue value) {
    if (value.hasIntValue() && value.getIntValue() >= 0) {
      return duration(value.getIntValue());
    }
    if (value.hasDoubleValue()
        && value.getDoubleValue() >= 0
        && value.getDoubleValue() < Long.MAX_VALUE
        && value.getDoubleValue() == Math.rint(value.getDoubleValue())) {
      return duration((long) value.getDoubleValue());
    }
    return value(value);
  }

  /** Formats nanoseconds as {@code 5 ns}, {@code 1.5 µs}, {@code 20.4 ms} or {@code 1.25 s}. */
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

  /** Formats a count with its noun: {@code 1 span}, {@code 2 spans}, {@code 0 spans}. */
  static String count(long count, String one, String many) {
    return count + " " + (count == 1 ? one : many);
  }

  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.4g", value);
  }
}
