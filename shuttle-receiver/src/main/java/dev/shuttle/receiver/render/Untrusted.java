package dev.shuttle.receiver.render;

import java.util.HexFormat;
import java.util.Objects;

/**
 * Makes text that came over the network safe to print on a terminal: every string a renderer prints
 * that a client sent (span, event, metric and service names, attribute keys and values, status
 * messages, units, descriptions, ids) goes through {@link #escape(String, int)}.
 *
 * <p>The rule: a code point is printed as it is unless it is one of
 *
 * <ul>
 *   <li>a control character (Unicode general category {@code Cc}): C0 {@code U+0000–U+001F}, DEL
 *       {@code U+007F} and C1 {@code U+0080–U+009F}, which hold the introducers of terminal escape
 *       sequences (ESC, the 8-bit CSI {@code U+009B} and OSC {@code U+009D}), BEL, CR and LF;
 *   <li>a format character ({@code Cf}), which can hide or reorder text: the bidi embeddings,
 *       overrides and isolates {@code U+202A–U+202E} and {@code U+2066–U+2069} ("Trojan Source"),
 *       {@code U+061C}, the zero-width characters and marks {@code U+200B–U+200F}, {@code
 *       U+2060–U+2064}, the byte order mark {@code U+FEFF}, the invisible tag characters {@code
 *       U+E0000–U+E007F}, and the others in the category;
 *   <li>a line or paragraph separator ({@code U+2028}, {@code U+2029});
 *   <li>a surrogate that is not half of a pair;
 *   <li>the backslash, so that a literal {@code \n} in the text cannot pass for an escaped newline.
 * </ul>
 *
 * <p>Those are printed as visible escapes: {@code \\}, {@code \n}, {@code \r}, {@code \t}, or a
 * backslash, {@code u} and four lower-case hex digits (<code>&#92;u001b</code> for ESC); a code
 * point above {@code U+FFFF} as <code>&#92;u{e0001}</code>. Everything else, including CJK text,
 * emoji, accents and other printable non-ASCII text, is printed unchanged. One exception keeps
 * emoji whole: a zero width joiner ({@code U+200D}) between two emoji, as in 👩‍💻, is printed as
 * it is. A span named ESC {@code ]0;pwned} BEL, which would set the terminal's title, is printed as
 * <code>&#92;u001b]0;pwned&#92;u0007</code>; a name with a newline stays on its line.
 *
 * <p>Text longer than the limit is cut, never inside an escape or a surrogate pair, and ends in
 * {@code …}; the limit counts the escaped text's UTF-16 chars, so the work done is bounded by the
 * limit too, however long the input. The ANSI codes a renderer adds itself (colour) are not
 * affected: they are written around the escaped text.
 *
 * {@snippet :
 * String shown = Untrusted.escape(span.getName(), Untrusted.MAX_NAME_CHARS);
 * }
 *
 * <p>Thread-safety: stateless and safe to use from any thread.
 */
public final class Untrusted {
  /** The limit for names: span, event, metric, service names, status messages, descriptions. */
  public static final int MAX_NAME_CHARS = 256;

  private static final int ZERO_WIDTH_JOINER = 0x200D;
  private static final int EMOJI_PRESENTATION_SELECTOR = 0xFE0F;
  private static final HexFormat HEX = HexFormat.of();

  private Untrusted() {}

  /**
   * Returns {@code text} with control, format and separator characters, lone surrogates and
   * backslashes escaped visibly, cut to at most {@code maxChars} chars ending in {@code …}.
   *
   * @param text text that came over the network
   * @param maxChars the longest result, in UTF-16 chars, at least 1
   * @return the text, safe to print on a terminal
   * @throws IllegalArgumentException if {@code maxChars} is less than 1
   */
  public static String escape(String text, int maxChars) {
    Objects.requireNonNull(text, "text");
    return new BoundedText(maxChars).untrusted(text).toString();
  }

  /**
   * Returns whether the code point {@code codePoint} must be escaped, given the code points before
   * and after it ({@code -1} at either end).
   */
  static boolean mustEscape(int previous, int codePoint, int next) {
    if (codePoint == '\\') {
      return true;
    }
    if (codePoint == ZERO_WIDTH_JOINER) {
      return !(endsEmoji(previous) && Character.isExtendedPictographic(next));
    }
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR ->
          true;
      default -> false;
    };
  }

  /** Returns the visible escape of a code point that {@link #mustEscape} selects. */
  static String escapeOf(int codePoint) {
    return switch (codePoint) {
      case '\\' -> "\\\\";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      default ->
          codePoint <= 0xFFFF
              ? "\\u" + HEX.toHexDigits((char) codePoint)
              : "\\u{" + Integer.toHexString(codePoint) + "}";
    };
  }

  private static boolean endsEmoji(int codePoint) {
    return codePoint == EMOJI_PRESENTATION_SELECTOR
        || Character.isEmojiModifier(codePoint)
        || Character.isExtendedPictographic(codePoint);
  }
}
