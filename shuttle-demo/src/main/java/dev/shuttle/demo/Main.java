package dev.shuttle.demo;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;

/** Entry point of the {@code shuttle} command. */
public final class Main {
  private Main() {}

  private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

  /**
   * Jetty (the receiver's HTTP server) logs its start and stop at INFO and some malformed requests
   * at WARNING; the receiver answers and reports those itself. Held here: JUL keeps loggers weakly.
   */
  private static final Logger JETTY = Logger.getLogger("org.eclipse.jetty");

  /**
   * The OpenTelemetry SDK logs every failed export at SEVERE with a stack trace, and its
   * autoconfiguration errors at INFO; the demo finds a failed export through the SDK's flush result
   * and says in one line what to do, and {@link CliErrors} reports a wrong setting. Held here: JUL
   * keeps loggers weakly. Only the command line quiets it; an application using Shuttle keeps the
   * SDK's logs.
   */
  private static final Logger OPENTELEMETRY = Logger.getLogger("io.opentelemetry");

  /** Runs {@code shuttle} with {@code args} and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(execute(commandLine(), args));
  }

  /**
   * Runs {@code cli} with {@code args} as {@link #main} does, with the command line's logging, and
   * returns the exit code; for tests that run a command of their own in a child JVM.
   */
  static int execute(CommandLine cli, String[] args) {
    JETTY.setLevel(Level.SEVERE);
    OPENTELEMETRY.setLevel(Level.OFF);
    if (System.getProperty(LOG_FORMAT) == null) {
      System.setProperty(
          LOG_FORMAT, "%4$s: %5$s%6$s%n"); // one line per record, not the default two
    }
    return cli.execute(args);
  }

  /** The command line, for tests that capture output instead of exiting. */
  static CommandLine commandLine() {
    return configure(new CommandLine(new ShuttleCommand()));
  }

  /**
   * Gives {@code cli} (a command and its subcommands) the settings of {@code shuttle}: one reader
   * of durations ({@link DurationConverter}), case-insensitive enum values, and errors reported by
   * {@link CliErrors}.
   */
  static CommandLine configure(CommandLine cli) {
    cli.registerConverter(Duration.class, new DurationConverter());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return CliErrors.install(cli);
  }
}
