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
          + " 'shuttle demo --ui' to see them in the web viewer."
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
