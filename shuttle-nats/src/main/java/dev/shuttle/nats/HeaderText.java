package dev.shuttle.nats;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reduces text to what a NATS header value may hold, and bounds what Shuttle reads back. */
final class HeaderText {
  private HeaderText() {}

  /** Returns {@code true} if every character of {@code text} is printable ASCII (space to '~'). */
  static boolean isPrintableAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns {@code text} with every character outside printable ASCII replaced by '?', cut to at
   * most {@code max} characters (the last three being "..." when it was cut).
   */
  static String printableAscii(String text, int max) {
    int end = Math.min(text.length(), max);
    StringBuilder out = new StringBuilder(end);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c <= 0x7e ? c : '?');
    }
    if (text.length() > max) {
      out.setLength(max - 3);
      out.append("...");
    }
    return out.toString();
  }

  /**
   * Returns the values joined with commas (as HTTP joins repeated headers), or {@code null} when
   * there are none, when the joined text would exceed {@code max} characters, or when it holds a
   * character outside printable ASCII.
   */
  static @Nullable String joined(@Nullable List<String> values, int max) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    int length = values.size() - 1;
    for (String value : values) {
      if (value == null) {
        return null;
      }
      length += value.length();
      if (length > max) {
        return null;
      }
    }
    String joined = values.size() == 1 ? values.get(0) : String.join(",", values);
    return isPrintableAscii(joined) ? joined : null;
  }
}
