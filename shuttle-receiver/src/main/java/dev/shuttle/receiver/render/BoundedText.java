package dev.shuttle.receiver.render;

/**
 * Builds text of at most a given number of UTF-16 chars from our own text and from text that came
 * over the network, which it escapes as {@link Untrusted} describes. When the next piece does not
 * fit, the text is cut at the last piece boundary that leaves room for {@code …}, the {@code …} is
 * appended, and everything appended afterwards is ignored. A piece is one code point or one escape,
 * so an escape or a surrogate pair is never split.
 *
 * <p>Thread-safety: not thread-safe; used by one thread to build one string.
 */
final class BoundedText {
  private static final String ELLIPSIS = "…";
  private static final char ZERO_WIDTH_JOINER = '\u200D';
  private final StringBuilder out = new StringBuilder();
  private final int limit;
  private int lastWithRoomForEllipsis;
  private boolean cut;

  /**
   * Creates an empty text.
   *
   * @throws IllegalArgumentException if {@code limit} is less than 1
   */
  BoundedText(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    this.limit = limit;
  }

  /** Appends text that Shuttle wrote itself, unescaped. */
  BoundedText trusted(String text) {
    for (int i = 0; i < text.length() && !cut; ) {
      int end = i + Character.charCount(text.codePointAt(i));
      piece(text, i, end);
      i = end;
    }
    return this;
  }

  /** Appends text that came over the network, escaped. */
  BoundedText untrusted(String text) {
    int previous = -1;
    for (int i = 0; i < text.length() && !cut; ) {
      int codePoint = text.codePointAt(i);
      int end = i + Character.charCount(codePoint);
      int next = end < text.length() ? text.codePointAt(end) : -1;
      if (Untrusted.mustEscape(previous, codePoint, next)) {
        String escape = Untrusted.escapeOf(codePoint);
        piece(escape, 0, escape.length());
      } else {
        piece(text, i, end);
      }
      previous = codePoint;
      i = end;
    }
    return this;
  }

  /** Returns whether the text was cut; if so, further appends are ignored. */
  boolean isCut() {
    return cut;
  }

  private void piece(CharSequence text, int start, int end) {
    if (out.length() + (end - start) > limit) {
      out.setLength(lastWithRoomForEllipsis);
      if (!out.isEmpty() && out.charAt(out.length() - 1) == ZERO_WIDTH_JOINER) {
        out.setLength(out.length() - 1); // kept between two emoji, the second one is cut off
      }
      out.append(ELLIPSIS);
      cut = true;
      return;
    }
    out.append(text, start, end);
    if (out.length() < limit) {
      lastWithRoomForEllipsis = out.length();
    }
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
