package dev.shuttle.demo;

import picocli.CommandLine;

/** Entry point of the {@code shuttle} command. */
public final class Main {
  private Main() {}

  private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

  /** Runs {@code shuttle} with {@code args} and exits with its exit code. */
  public static void main(String[] args) {
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
