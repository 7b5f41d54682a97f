package dev.shuttle.receiver.render;

import dev.shuttle.receiver.RunningGoroutine;
import dev.shuttle.receiver.RunningProcess;
import java.util.List;

/**
 * The terminal text of the live view: a process's round as a block of lines, and the line that
 * marks a goroutine still running under a span of a printed trace. Everything from the network is
 * escaped and cut as {@link Untrusted} describes.
 *
 * <p>Thread-safety: immutable and safe to share.
 */
final class RunningText {
  /** The most goroutine lines in one block; the rest are counted. */
  static final int MAX_LINES = 50;

  private static final int SHORT_ID = 8;
  private final Style style;

  RunningText(Style style) {
    this.style = style;
  }

  /**
   * A process's round: a header line, then one line per goroutine (id, name, state and what it
   * waits on with for how long, trace id short).
   */
  String block(RunningProcess process) {
    StringBuilder out = new StringBuilder();
    List<RunningGoroutine> goroutines = process.goroutines();
    out.append(style.bold("running now")).append("  service ").append(name(process.serviceName()));
    if (!process.instanceId().isEmpty()) {
      out.append(" (").append(name(process.instanceId())).append(')');
    }
    out.append("  round ").append(process.round()).append("  ");
    long blocked = goroutines.stream().filter(RunningGoroutine::blocked).count();
    if (goroutines.isEmpty()) {
      out.append("no goroutines");
    } else {
      out.append(goroutines.size())
          .append(goroutines.size() == 1 ? " goroutine, " : " goroutines, ")
          .append(blocked)
          .append(" blocked");
    }
    if (!process.complete()) {
      out.append("  ")
          .append(
              style.yellow(
                  "incomplete: " + goroutines.size() + " of " + process.expectedCount() + " kept"));
    }
    out.append('\n');
    for (int i = 0; i < goroutines.size() && i < MAX_LINES; i++) {
      RunningGoroutine g = goroutines.get(i);
      out.append("  #").append(g.id()).append("  ").append(name(g.name())).append("  ");
      out.append(state(g));
      if (!g.traceId().isEmpty()) {
        out.append("  ").append(style.dim("trace " + g.traceId().substring(0, SHORT_ID)));
      }
      out.append('\n');
    }
    if (goroutines.size() > MAX_LINES) {
      out.append("  … ").append(goroutines.size() - MAX_LINES).append(" more\n");
    }
    return out.toString();
  }

  /** What the goroutine does: {@code running}, or {@code blocked 2.10 s: chan send on jobs}. */
  String state(RunningGoroutine g) {
    if (!g.blocked()) {
      return style.green(name(g.state()));
    }
    String what = g.blockedOn().isEmpty() ? g.blockedOnKind() : g.blockedOn();
    long forNanos = g.blockedForNanos();
    return style.yellow(
        "blocked"
            + (forNanos > 0 ? " " + Values.duration(forNanos) : "")
            + (what.isEmpty() ? "" : ": " + Untrusted.escape(what, Untrusted.MAX_NAME_CHARS)));
  }

  /** The line under a span of a trace for a goroutine still running there. */
  String underSpan(RunningGoroutine g) {
    String label = g.hasOwnSpan() ? "span " + name(g.spanName()) + " in goroutine " : "goroutine ";
    return style.yellow("▶ still running: ")
        + label
        + "#"
        + g.id()
        + " "
        + name(g.name())
        + "  "
        + state(g);
  }

  private static String name(String text) {
    return Untrusted.escape(text, Untrusted.MAX_NAME_CHARS);
  }
}
