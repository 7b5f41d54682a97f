package dev.shuttle.demo;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code shuttle} command; the work is in its subcommands. */
@Command(
    name = "shuttle",
    mixinStandardHelpOptions = true,
    versionProvider = ShuttleCommand.Version.class,
    description = {
      "Go's concurrency patterns on virtual threads, with OpenTelemetry built in.",
      "Run 'shuttle demo' to see every pattern's traces, exported over real OTLP, and"
          + " 'shuttle demo --ui' to see them in the web viewer.",
      "",
      "Durations in options: 200ms, 5s, 1.5m, 1h, 1m30s or ISO-8601 (PT5S). A mistake in how a"
          + " command is run is one line on stderr and exit code 2; see docs/demo.md."
    },
    subcommands = {
      DemoCommand.class,
      ReceiverCommand.class,
      ViewCommand.class,
      GoroutinesCommand.class
    })
final class ShuttleCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version from the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ShuttleCommand.class.getPackage().getImplementationVersion();
      return new String[] {"shuttle " + (version == null ? "(development build)" : version)};
    }
  }
}
