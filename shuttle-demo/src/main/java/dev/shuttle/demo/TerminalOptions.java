package dev.shuttle.demo;

import dev.shuttle.demo.Terminal.ColorWhen;
import dev.shuttle.receiver.render.MetricsRenderer;
import dev.shuttle.receiver.render.TraceRenderer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The options of the commands that print traces and metrics, {@code --wide} and {@code --color},
 * and the renderers they give on this {@link Terminal}.
 *
 * <p>Thread-safety: not thread-safe; used by the command's thread.
 */
final class TerminalOptions {
  @Option(
      names = "--wide",
      description =
          "Print every line whole, all attributes, however wide. Default: fit each line to the"
              + " terminal (COLUMNS, or the terminal's width; 120 when not a terminal), eliding"
              + " attributes with …; span names and durations stay.")
  boolean wide;

  @Option(
      names = "--color",
      paramLabel = "WHEN",
      arity = "0..1",
      fallbackValue = "always",
      defaultValue = "auto",
      converter = TerminalOptions.ColorConverter.class,
      description =
          "Colour: auto (on a terminal, unless NO_COLOR is set), always, or never; --color alone"
              + " is always. Default: ${DEFAULT-VALUE}.")
  ColorWhen color = ColorWhen.AUTO;

  /** How the terminal is found; tests replace it. */
  Supplier<Terminal> detector = Terminal::detect;

  private @Nullable Terminal terminal;

  /** The terminal, looked at once. */
  Terminal terminal() {
    if (terminal == null) {
      terminal = detector.get();
    }
    return terminal;
  }

  /** The columns to fit lines to, or 0 with {@code --wide}. */
  int columns() {
    return wide ? 0 : terminal().columns();
  }

  /**
   * Fits one of the command's own lines (plain text, one column per char, such as a scenario's
   * header) to the columns, ending a cut line with {@code …}.
   */
  String fit(String line) {
    int columns = columns();
    return columns == 0 || line.length() <= columns ? line : line.substring(0, columns - 1) + "…";
  }

  /** Whether to colour. */
  boolean colour() {
    return terminal().colour(color);
  }

  /** A trace renderer for this terminal and these options. */
  TraceRenderer traceRenderer() {
    return TraceRenderer.create(colour()).withWidth(columns());
  }

  /** A metrics renderer for this terminal and these options. */
  MetricsRenderer metricsRenderer() {
    return MetricsRenderer.create(colour()).withWidth(columns());
  }

  /** Reads {@code auto}, {@code always} or {@code never}, in any case. */
  static final class ColorConverter implements ITypeConverter<ColorWhen> {
    @Override
    public ColorWhen convert(String value) {
      for (ColorWhen when : ColorWhen.values()) {
        if (when.name().equalsIgnoreCase(value)) {
          return when;
        }
      }
      throw new TypeConversionException(
          "'" + value + "' is not a colour setting; use auto, always or never");
    }
  }
}
