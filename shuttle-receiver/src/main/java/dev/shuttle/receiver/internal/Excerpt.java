package dev.shuttle.receiver.internal;

/**
 * Short, escaped excerpts of text that came from the network, for error messages and log lines.
 *
 * <p>An excerpt holds at most {@link #MAX_CODE_POINTS} code points of the text, and at most twice
 * as many chars once escaped, then {@code ...}. Control characters, format characters (such as
 * bidirectional overrides), line and paragraph separators, private-use, unassigned and lone
 * surrogate code points are written as backslash-u escapes (ESC becomes backslash, {@code u001b}),
 * and a backslash as two, so an excerpt is one line that can neither steer a terminal nor forge a
 * log line, and its length is bounded however many characters need escaping.
 *
 * <p>Shared by the receiver and the web viewer (internal).
 *
 * <p>Thread-safety: stateless; safe to call from any thread.
 */
public final class Excerpt {
  /** The number of code points an excerpt keeps. */
  public static final int MAX_CODE_POINTS = 64;

  private Excerpt() {}

  /**
   * Returns a short, escaped excerpt of untrusted text.
   *
   * @param text the text as received
   * @return at most {@link #MAX_CODE_POINTS} code points and twice as many chars, escaped, then
   *     {@code ...} if cut
   */
  public static String of(String text) {
    return of(text, MAX_CODE_POINTS);
  }

  /**
   * Returns an escaped excerpt of text of a given length, for longer texts that are trusted not to
   * hold much of a request, such as a parser's error message.
   *
   * @param text the text
   * @param maxCodePoints how many code points to keep
   * @return at most that many code points and twice as many chars, escaped, then {@code ...} if cut
   */
  public static String of(String text, int maxCodePoints) {
    return excerpt(text, maxCodePoints, false);
  }

  /**
   * Returns the excerpt in double quotes, as a message quotes a received value; quotes in the text
   * are escaped within the excerpt's length.
   *
   * @param text the text as received
   * @return the quoted excerpt
   */
  public static String quoted(String text) {
    return '"' + excerpt(text, MAX_CODE_POINTS, true) + '"';
  }

  /**
   * Cuts {@code text} to at most {@code maxChars} chars, never inside a surrogate pair, ending in
   * {@code …} when cut; unescaped, for text that is escaped where it is shown.
   */
  public static String truncated(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    int end = maxChars - 1;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "…";
  }

  private static String excerpt(String text, int maxCodePoints, boolean escapeQuotes) {
    int maxChars = 2 * maxCodePoints;
    StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 8);
    int kept = 0;
    int i = 0;
    while (i < text.length()) {
      int codePoint = text.codePointAt(i);
      String piece = piece(codePoint, escapeQuotes);
      if (kept == maxCodePoints || out.length() + piece.length() > maxChars) {
        return out.append("...").toString();
      }
      out.append(piece);
      i += Character.charCount(codePoint);
      kept++;
    }
    return out.toString();
  }

  /** Returns how a code point is written: as it is, or escaped. */
  private static String piece(int codePoint, boolean escapeQuotes) {
    if (codePoint == '\\') {
      return "\\\\";
    }
    if (codePoint == '"' && escapeQuotes) {
      return "\\\"";
    }
    if (!needsEscape(codePoint)) {
      return Character.toString(codePoint);
    }
    if (Character.isBmpCodePoint(codePoint)) {
      return String.format("\\u%04x", codePoint);
    }
    return String.format(
        "\\u%04x\\u%04x",
        (int) Character.highSurrogate(codePoint), (int) Character.lowSurrogate(codePoint));
  }

  private static boolean needsEscape(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE,
          Character.PRIVATE_USE,
          Character.UNASSIGNED ->
          true;
      default -> false;
    };
  }
}
