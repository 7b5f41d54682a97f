package dev.shuttle.receiver.render;

import dev.shuttle.receiver.RunningGoroutine;
import dev.shuttle.receiver.RunningProcess;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The terminal text of the live view: a process's round as a block of lines, and the line that
 * marks a goroutine still running under a span of a printed trace. Everything from the network is
 * escaped and cut as {@link Untrusted} describes; each line is fitted to the renderer's columns as
 * {@link Line} describes (what a goroutine waits on is elided first, then its name).
 *
 * <p>Thread-safety: immutable and safe to share.
 */
final class RunningText {
  /** The most goroutine lines in one block; the rest are counted. */
  static final int MAX_LINES = 50;

  private static final int SHORT_ID = 8;
  private final Style style;
  private final int columns;

  RunningText(Style style, int columns) {
    this.style = style;
    this.columns = columns;
  }

  /**
   * A process's round: a header line, then one line per goroutine (id, name, state and what it
   * waits on with for how long, trace id short).
   */
  String block(RunningProcess process) {
    StringBuilder out = new StringBuilder();
    List<RunningGoroutine> goroutines = process.goroutines();
    Line header =
        new Line()
            .keep("running now", style::bold)
            .cut(
                "  ",
                "service ",
                name(process.serviceName())
                    + (process.instanceId().isEmpty()
                        ? ""
                        : " (" + name(process.instanceId()) + ")"),
                UnaryOperator.identity(),
                Line.SERVICE)
            .keep("  round " + process.round() + "  ");
    long blocked = goroutines.stream().filter(RunningGoroutine::blocked).count();
    if (goroutines.isEmpty()) {
      header.keep("no goroutines");
    } else {
      header.keep(
          Values.count(goroutines.size(), "goroutine", "goroutines") + ", " + blocked + " blocked");
    }
    if (!process.complete()) {
      header
          .keep("  ")
          .keep(
              "incomplete: " + goroutines.size() + " of " + process.expectedCount() + " kept",
              style::yellow);
    }
    out.append(header.fit(columns)).append('\n');
    for (int i = 0; i < goroutines.size() && i < MAX_LINES; i++) {
      RunningGoroutine g = goroutines.get(i);
      Line line =
          new Line()
              .keep("  #" + g.id() + "  ")
              .cut("", name(g.name()), UnaryOperator.identity(), Line.SERVICE)
              .keep("  ");
      state(line, g);
      if (!g.traceId().isEmpty()) {
        line.keep("  ").keep("trace " + g.traceId().substring(0, SHORT_ID), style::dim);
      }
      out.append(line.fit(columns)).append('\n');
    }
    if (goroutines.size() > MAX_LINES) {
      out.append("  … ").append(goroutines.size() - MAX_LINES).append(" more\n");
    }
    return out.toString();
  }

  /**
   * Appends what the goroutine does: {@code running}, or {@code blocked 2.10 s: chan send on jobs},
   * of which what it waits on may be elided.
   */
  private void state(Line line, RunningGoroutine g) {
    if (!g.blocked()) {
      line.cut("", name(g.state()), style::green, Line.DETAILS);
      return;
    }
    String what = g.blockedOn().isEmpty() ? g.blockedOnKind() : g.blockedOn();
    long forNanos = g.blockedForNanos();
    line.cut(
        "",
        "blocked" + (forNanos > 0 ? " " + Values.duration(forNanos) : ""),
        what.isEmpty() ? "" : ": " + Untrusted.escape(what, Untrusted.MAX_NAME_CHARS),
        style::yellow,
        Line.DETAILS);
  }

  /**
   * The line, after {@code indent}, under a span of a trace for a goroutine still running there,
   * without a line end.
   */
  String underSpan(String indent, RunningGoroutine g) {
    Line line = new Line().keep(indent).keep("▶ still running: ", style::yellow);
    if (g.hasOwnSpan()) {
      line.cut("", "span ", name(g.spanName()), UnaryOperator.identity(), Line.NAME)
          .keep(" in goroutine ");
    } else {
      line.keep("goroutine ");
    }
    line.keep("#" + g.id() + " ")
        .cut("", name(g.name()), UnaryOperator.identity(), Line.SERVICE)
        .keep("  ");
    state(line, g);
    return line.fit(columns);
  }

  private static String name(String text) {
    return Untrusted.escape(text, Untrusted.MAX_NAME_CHARS);
  }
}
