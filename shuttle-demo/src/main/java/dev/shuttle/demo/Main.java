package dev.shuttle.demo;

import picocli.CommandLine;

/** Entry point of the {@code shuttle} command. */
public final class Main {
  private Main() {}

  /** Runs {@code shuttle} with {@code args} and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line, for tests that capture output instead of exiting. */
  static CommandLine commandLine() {
    return new CommandLine(new ShuttleCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
