package dev.shuttle.receiver.render;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One line of a renderer's output, made of parts, fitted to a number of terminal columns: parts
 * that may be elided are cut, ending in {@code …}, in the order of their rank (rank 1 first), the
 * last such part of a rank first; the others (tree glyphs, durations, links) are never cut. Each
 * part is coloured after fitting, so colour codes neither count nor get cut.
 *
 * <p>A line whose uncuttable parts alone are wider than the columns (a tree nested deeper than the
 * terminal is wide, a link) is printed whole: the terminal wraps it.
 *
 * <p>Thread-safety: not thread-safe; used by one thread to build one line.
 */
final class Line {
  /** Parts of this rank are cut first: attribute lists. */
  static final int ATTRIBUTES = 1;

  /** Then details: status messages, what a goroutine waits on, units, descriptions. */
  static final int DETAILS = 2;

  /** Then names of services and goroutines. */
  static final int SERVICE = 3;

  /** Last, names of spans, events and metrics. */
  static final int NAME = 4;

  private static final int KEEP = 0;

  /**
   * A part: {@code separator} (plain) before {@code fixed}, which is never cut, and {@code
   * cuttable}, cut first to end in {@code …}, then left out with the separator too if nothing fixed
   * remains.
   */
  private static final class Part {
    final String separator;
    final String fixed;
    String cuttable;
    final UnaryOperator<String> style;
    final int rank;
    final boolean list;

    Part(
        String separator,
        String fixed,
        String cuttable,
        UnaryOperator<String> style,
        int rank,
        boolean list) {
      this.separator = separator;
      this.fixed = fixed;
      this.cuttable = cuttable;
      this.style = style;
      this.rank = rank;
      this.list = list;
    }

    boolean shown() {
      return !fixed.isEmpty() || !cuttable.isEmpty();
    }

    int columns() {
      return shown() ? Columns.of(separator) + Columns.of(fixed) + Columns.of(cuttable) : 0;
    }
  }

  private final List<Part> parts = new ArrayList<>();
  private int width;

  /** Appends text that is never cut, uncoloured. */
  Line keep(String text) {
    return keep(text, UnaryOperator.identity());
  }

  /** Appends text that is never cut, coloured by {@code style}. */
  Line keep(String text, UnaryOperator<String> style) {
    parts.add(new Part("", text, "", style, KEEP, false));
    return this;
  }

  /**
   * Appends {@code separator} and {@code text}, which may be cut with the parts of {@code rank};
   * nothing if {@code text} is empty.
   */
  Line cut(String separator, String text, UnaryOperator<String> style, int rank) {
    return cut(separator, "", text, style, rank);
  }

  /**
   * Appends {@code separator}, {@code fixed} and {@code text}, of which only {@code text} may be
   * cut, with the parts of {@code rank}.
   */
  Line cut(String separator, String fixed, String text, UnaryOperator<String> style, int rank) {
    if (rank < ATTRIBUTES || rank > NAME) {
      throw new IllegalArgumentException("rank must be within [1, 4], was " + rank);
    }
    parts.add(new Part(separator, fixed, text, style, rank, false));
    return this;
  }

  /**
   * Appends {@code separator} and an attribute list, {@code {k=v, k2=v2}}, cut first and after a
   * whole attribute where one fits ({@code {k=v, …}}); nothing if {@code attributes} is empty.
   */
  Line attributes(String separator, String attributes, UnaryOperator<String> style) {
    parts.add(new Part(separator, "", attributes, style, ATTRIBUTES, true));
    return this;
  }

  /**
   * Returns the line, fitted to {@code columns} ({@code 0} for no limit), coloured, without a line
   * end.
   */
  String fit(int columns) {
    if (columns > 0) {
      int over = parts.stream().mapToInt(Part::columns).sum() - columns;
      for (int rank = ATTRIBUTES; rank <= NAME && over > 0; rank++) {
        for (int i = parts.size() - 1; i >= 0 && over > 0; i--) {
          Part part = parts.get(i);
          if (part.rank == rank && !part.cuttable.isEmpty()) {
            int before = part.columns();
            int room = Columns.of(part.cuttable) - over;
            part.cuttable =
                part.list ? Columns.cutList(part.cuttable, room) : Columns.cut(part.cuttable, room);
            over -= before - part.columns();
          }
        }
      }
    }
    width = parts.stream().mapToInt(Part::columns).sum();
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      if (part.shown()) {
        out.append(part.separator).append(part.style.apply(part.fixed + part.cuttable));
      }
    }
    return out.toString();
  }

  /** Returns how many columns the line took when last {@linkplain #fit fitted}. */
  int width() {
    return width;
  }
}
