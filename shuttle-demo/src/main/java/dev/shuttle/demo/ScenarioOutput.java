package dev.shuttle.demo;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * Where a scenario prints while it runs (the deadlock scenario's goroutine dump): the demo's
 * output, with the progress line cleared first so that the two do not share a line.
 *
 * <p>Thread-safe as the underlying writer and {@link ProgressLine} are.
 */
final class ScenarioOutput extends Writer {
  private final PrintWriter out;
  private final ProgressLine progress;

  ScenarioOutput(PrintWriter out, ProgressLine progress) {
    this.out = out;
    this.progress = progress;
  }

  @Override
  public void write(char[] chars, int offset, int length) {
    progress.clear();
    out.write(chars, offset, length);
  }

  @Override
  public void flush() {
    out.flush();
  }

  @Override
  public void close() {
    out.flush(); // the demo's output stays open
  }
}
