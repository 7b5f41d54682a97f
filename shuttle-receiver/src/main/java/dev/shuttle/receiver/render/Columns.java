package dev.shuttle.receiver.render;

/**
 * Measures and cuts text in terminal columns: a printable code point takes one column, an East
 * Asian wide or fullwidth character or an emoji two, a combining mark, a variation selector or a
 * zero width joiner none. Emoji sequences may be counted wider than a terminal draws them, never
 * narrower, so text that fits here fits on the screen.
 *
 * <p>The text is a renderer's own, after {@link Untrusted} escaped what came over the network:
 * every backslash in it starts a visible escape ({@code \\}, {@code \n}, <code>&#92;u001b</code>,
 * <code>&#92;u{e0001}</code>), which is cut whole or not at all. No ANSI colour codes: lines are
 * fitted before they are coloured.
 *
 * <p>Thread-safety: stateless and safe to use from any thread.
 */
final class Columns {
  private static final String ELLIPSIS = "…";
  private static final int ZERO_WIDTH_JOINER = 0x200D;
  private static final int EMOJI_PRESENTATION_SELECTOR = 0xFE0F;

  private Columns() {}

  /** Returns how many columns {@code text} takes. */
  static int of(String text) {
    int columns = 0;
    for (int i = 0; i < text.length(); ) {
      int end = pieceEnd(text, i);
      columns += pieceColumns(text, i, end);
      i = end;
    }
    return columns;
  }

  /**
   * Returns {@code text} if it takes at most {@code max} columns, otherwise its longest start that
   * leaves room for {@code …}, followed by {@code …}; "" if {@code max} is less than 1.
   */
  static String cut(String text, int max) {
    if (max < 1) {
      return "";
    }
    if (of(text) <= max) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    int columns = 0;
    for (int i = 0; i < text.length(); ) {
      int end = pieceEnd(text, i);
      int piece = pieceColumns(text, i, end);
      if (columns + piece > max - 1) {
        break;
      }
      out.append(text, i, end);
      columns += piece;
      i = end;
    }
    return out.append(ELLIPSIS).toString();
  }

  /**
   * Cuts a list such as {@code {a=1, b=2, c=3}} to at most {@code max} columns after a whole item
   * where one fits, as {@code {a=1, …}}, otherwise as {@link #cut} does.
   */
  static String cutList(String list, int max) {
    if (of(list) <= max) {
      return list;
    }
    String close = list.endsWith("}") ? "}" : "";
    String best = null;
    for (int comma = list.indexOf(", "); comma > 0; comma = list.indexOf(", ", comma + 2)) {
      String candidate = list.substring(0, comma) + ", " + ELLIPSIS + close;
      if (of(candidate) > max) {
        break;
      }
      best = candidate;
    }
    return best != null ? best : cut(list, max);
  }

  /**
   * Returns where the piece that starts at {@code start} ends: an escape, or a code point with the
   * zero-width code points after it and, after a zero width joiner, the code point it joins.
   */
  private static int pieceEnd(String text, int start) {
    if (text.charAt(start) == '\\') {
      return escapeEnd(text, start);
    }
    int end = start + Character.charCount(text.codePointAt(start));
    while (end < text.length()) {
      int next = text.codePointAt(end);
      if (next == ZERO_WIDTH_JOINER) {
        end += Character.charCount(next);
        if (end < text.length() && text.charAt(end) != '\\') {
          end += Character.charCount(text.codePointAt(end)); // the joined emoji
        }
      } else if (zeroWidth(next)) {
        end += Character.charCount(next);
      } else {
        break;
      }
    }
    return end;
  }

  private static int escapeEnd(String text, int start) {
    int end = Math.min(text.length(), start + 2);
    if (end < text.length() && text.charAt(start + 1) == 'u') {
      if (text.charAt(end) == '{') {
        int close = text.indexOf('}', end);
        return close < 0 ? text.length() : close + 1;
      }
      return Math.min(text.length(), start + 6);
    }
    return end;
  }

  private static int pieceColumns(String text, int start, int end) {
    if (text.charAt(start) == '\\') {
      return end - start; // escapes are ASCII
    }
    int columns = 0;
    int previous = 0;
    for (int i = start; i < end; ) {
      int codePoint = text.codePointAt(i);
      int width = width(codePoint);
      if (codePoint == EMOJI_PRESENTATION_SELECTOR && previous == 1) {
        width = 1; // a text symbol shown as an emoji, two columns wide
      }
      columns += width;
      previous = width;
      i += Character.charCount(codePoint);
    }
    return columns;
  }

  /** The columns a code point takes on its own. */
  static int width(int codePoint) {
    if (zeroWidth(codePoint)) {
      return 0;
    }
    return wide(codePoint) ? 2 : 1;
  }

  private static boolean zeroWidth(int codePoint) {
    if (codePoint == ZERO_WIDTH_JOINER) {
      return true;
    }
    return switch (Character.getType(codePoint)) {
      case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK -> true; // incl. selectors
      default -> false;
    };
  }

  /** East Asian wide and fullwidth characters, and emoji presented as emoji. */
  private static boolean wide(int cp) {
    return Character.isEmojiPresentation(cp)
        || (cp >= 0x1100 && cp <= 0x115F) // Hangul Jamo leading consonants
        || (cp >= 0x2E80 && cp <= 0x303E) // CJK radicals, Kangxi, CJK symbols and punctuation
        || (cp >= 0x3041 && cp <= 0x33FF) // kana, Bopomofo, Hangul compatibility, CJK compat
        || (cp >= 0x3400 && cp <= 0x4DBF) // CJK extension A
        || (cp >= 0x4E00 && cp <= 0x9FFF) // CJK unified ideographs
        || (cp >= 0xA000 && cp <= 0xA4CF) // Yi
        || (cp >= 0xA960 && cp <= 0xA97F) // Hangul Jamo extended A
        || (cp >= 0xAC00 && cp <= 0xD7A3) // Hangul syllables
        || (cp >= 0xF900 && cp <= 0xFAFF) // CJK compatibility ideographs
        || (cp >= 0xFE10 && cp <= 0xFE19) // vertical forms
        || (cp >= 0xFE30 && cp <= 0xFE6F) // CJK compatibility forms, small form variants
        || (cp >= 0xFF00 && cp <= 0xFF60) // fullwidth forms
        || (cp >= 0xFFE0 && cp <= 0xFFE6) // fullwidth signs
        || (cp >= 0x1F300 && cp <= 0x1F64F) // pictographs and emoticons
        || (cp >= 0x1F900 && cp <= 0x1F9FF) // supplemental symbols and pictographs
        || (cp >= 0x20000 && cp <= 0x3FFFD); // CJK extensions B and later
  }
}
