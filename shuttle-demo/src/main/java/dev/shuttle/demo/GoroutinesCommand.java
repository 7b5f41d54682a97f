package dev.shuttle.demo;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shuttle goroutines PID}: the Shuttle goroutines of another JVM, read over JMX. */
@Command(
    name = "goroutines",
    mixinStandardHelpOptions = true,
    description = {
      "Prints what the Shuttle goroutines of a running JVM are doing now.",
      "",
      "Attaches to the JVM PID through the JDK attach API, as jcmd and jconsole do (no flag is"
          + " needed in the target; it must run as the same user), starts its local JMX agent,"
          + " and reads the MBean dev.shuttle:type=Goroutines: every live goroutine, grouped by"
          + " what started it, with what it waits on (a channel, a select, a group, a pool, a"
          + " context) and for how long, and its trace and span ids. See docs/goroutines.md.",
      ""
    })
final class GoroutinesCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "PID",
      description = "The process id of a running JVM (jps or jcmd lists them).")
  String pid = "";

  @Option(names = "--json", description = "Print the dump as one JSON object.")
  boolean json;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "Give up if the JVM has not answered within this long (10s, 500ms, 1.5m or"
              + " ISO-8601 PT10S)."
              + " Default: ${DEFAULT-VALUE}.")
  Duration timeout = Duration.ofSeconds(10);

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      long target = parsePid(pid);
      if (timeout.isNegative() || timeout.isZero()) {
        throw new GoroutinesFailure("--timeout must be positive, was " + timeout);
      }
      String dump = RemoteGoroutines.read(target, json, timeout);
      out.print(json ? DumpOutput.json(dump) : DumpOutput.text(dump));
      out.flush();
      return 0;
    } catch (GoroutinesFailure e) {
      err.println(e.getMessage());
      err.flush();
      return 2;
    }
  }

  private static long parsePid(String text) throws GoroutinesFailure {
    long value;
    try {
      value = Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      value = 0;
    }
    if (value <= 0) {
      throw new GoroutinesFailure(
          "'"
              + text
              + "' is not a process id: give the pid of a running JVM (jps or jcmd lists them)");
    }
    return value;
  }
}
