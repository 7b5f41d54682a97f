package dev.shuttle.demo;

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

  /** Runs {@code shuttle} with {@code args} and exits with its exit code. */
  public static void main(String[] args) {
    JETTY.setLevel(Level.SEVERE);
    if (System.getProperty(LOG_FORMAT) == null) {
      System.setProperty(
          LOG_FORMAT, "%4$s: %5$s%6$s%n"); // one line per record, not the default two
    }
    System.exit(commandLine().execute(args));
  }

  /** The command line, for tests that capture output instead of exiting. */
  static CommandLine commandLine() {
    return new CommandLine(new ShuttleCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
