package dev.shuttle.demo;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.Console;
import java.io.PrintStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The live "scenario i/N, spans received" line: rewritten in place on a terminal, one line per
 * change otherwise (so logs stay readable).
 *
 * <p>Thread-safe: the demo's ticker updates it while a scenario may print (and clear it first).
 *
 * <p>Implementation note: {@code lock} guards the line's state and every write of it, so a clear
 * never interleaves with a redraw.
 */
final class ProgressLine {
  private final PrintStream out;
  private final boolean live;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private int lastLength;

  @GuardedBy("lock")
  private String lastText = "";

  @GuardedBy("lock")
  private boolean stopped;

  ProgressLine(PrintStream out, boolean live) {
    this.out = out;
    this.live = live;
  }

  /** Returns whether the JVM's console is an interactive terminal, so a line can be rewritten. */
  @SuppressWarnings("SystemConsoleNull") // handled: null on JDK 21, isTerminal() from JDK 22
  static boolean onTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try { // JDK 22+: console() is never null; isTerminal() tells (compiled for 21, so reflection)
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException onJdk21) {
      return true; // on JDK 21 console() is null unless both stdin and stdout are a terminal
    }
  }

  void show(int index, int total, String scenario, long spansReceived) {
    String text =
        String.format("[%d/%d] %-16s spans received: %d", index, total, scenario, spansReceived);
    lock.lock();
    try {
      if (stopped || text.equals(lastText)) {
        return;
      }
      lastText = text;
      if (live) {
        out.print("\r" + text + " ".repeat(Math.max(0, lastLength - text.length())));
        lastLength = text.length();
      } else {
        out.println(text);
      }
      out.flush();
    } finally {
      lock.unlock();
    }
  }

  /** Clears the line for good: later updates draw nothing (the run was interrupted). */
  void stop() {
    lock.lock();
    try {
      clear();
      stopped = true;
    } finally {
      lock.unlock();
    }
  }

  /** Ends a live line so the next output starts on a fresh line. */
  void clear() {
    lock.lock();
    try {
      if (live && lastLength > 0) {
        out.print("\r" + " ".repeat(lastLength) + "\r");
        out.flush();
        lastLength = 0;
        lastText = ""; // drawn again at the next update
      }
    } finally {
      lock.unlock();
    }
  }
}
