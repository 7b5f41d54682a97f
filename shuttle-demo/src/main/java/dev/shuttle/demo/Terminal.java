package dev.shuttle.demo;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What the {@code shuttle} command knows of where it prints: whether standard output is a terminal,
 * how many columns wide, and whether the user asked for no colour.
 *
 * <p>The width is {@code COLUMNS} when it is set to a positive whole number; otherwise, on a
 * terminal, the terminal's width as {@code stty size} reports it (no native code: a child process
 * reads {@code /dev/tty}), or {@value #UNKNOWN_COLUMNS} if that fails; and {@value #PIPED_COLUMNS}
 * when the output is not a terminal (a pipe, a file, a test). It is at least {@value #MIN_COLUMNS}.
 * Colour follows <a href="https://no-color.org">no-color.org</a>: {@code NO_COLOR} set and not
 * empty turns the automatic colour off.
 *
 * <p>Thread-safety: immutable.
 *
 * @param interactive whether standard output is a terminal
 * @param columns the width to fit lines to
 * @param noColor whether {@code NO_COLOR} asks for no colour
 */
record Terminal(boolean interactive, int columns, boolean noColor) {
  /** The width when standard output is not a terminal. */
  static final int PIPED_COLUMNS = 120;

  /** The width of a terminal whose size cannot be read. */
  static final int UNKNOWN_COLUMNS = 80;

  /** The narrowest width lines are fitted to. */
  static final int MIN_COLUMNS = 40;

  private static final int MAX_COLUMNS = 10_000;
  private static final long STTY_LIMIT_SECONDS = 2;

  /** When to colour, as {@code --color} says. */
  enum ColorWhen {
    /** On a terminal, unless {@code NO_COLOR} is set. */
    AUTO,
    /** Always, even when piped. */
    ALWAYS,
    /** Never. */
    NEVER
  }

  /** Looks at this process's environment and standard output. */
  static Terminal detect() {
    return detect(System.getenv(), ProgressLine.onTerminal(), Terminal::sttyColumns);
  }

  /**
   * Decides from {@code environment}, whether the output is a terminal, and how wide the terminal
   * says it is ({@code terminalColumns}, asked only when needed; 0 if unknown).
   */
  static Terminal detect(
      Map<String, String> environment, boolean interactive, IntSupplier terminalColumns) {
    int columns = parseColumns(environment.get("COLUMNS"));
    if (columns == 0) {
      columns = interactive ? terminalColumns.getAsInt() : PIPED_COLUMNS;
    }
    if (columns <= 0) {
      columns = UNKNOWN_COLUMNS;
    }
    String noColor = environment.get("NO_COLOR");
    return new Terminal(
        interactive, Math.max(MIN_COLUMNS, columns), noColor != null && !noColor.isEmpty());
  }

  /** Returns whether to colour, given {@code --color}. */
  boolean colour(ColorWhen when) {
    return switch (when) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> interactive && !noColor;
    };
  }

  /** Returns {@code COLUMNS} as a positive whole number, or 0 if unset or not one. */
  private static int parseColumns(@Nullable String value) {
    if (value == null
        || value.isEmpty()
        || value.length() > 5
        || !value.chars().allMatch(Character::isDigit)) {
      return 0;
    }
    int columns = Integer.parseInt(value);
    return columns > MAX_COLUMNS ? 0 : columns;
  }

  /** The terminal's width, as {@code stty size < /dev/tty} prints it, or 0 if it cannot tell. */
  static int sttyColumns() {
    File tty = new File("/dev/tty");
    if (!tty.exists()) {
      return 0; // not a Unix-like system, or no terminal
    }
    try {
      Process stty =
          new ProcessBuilder("stty", "size")
              .redirectInput(tty)
              .redirectError(Redirect.DISCARD)
              .start();
      String printed;
      try (InputStream in = stty.getInputStream()) {
        printed = new String(in.readNBytes(64), StandardCharsets.US_ASCII).trim();
      }
      if (!stty.waitFor(STTY_LIMIT_SECONDS, TimeUnit.SECONDS)) {
        stty.destroyForcibly();
        return 0;
      }
      int space = printed.lastIndexOf(' '); // "rows columns"
      if (stty.exitValue() != 0 || space < 0) {
        return 0;
      }
      return parseColumns(printed.substring(space + 1));
    } catch (IOException e) {
      return 0; // no stty, or /dev/tty cannot be opened
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
