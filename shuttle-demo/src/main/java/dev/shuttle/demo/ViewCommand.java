package dev.shuttle.demo;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.shuttle.receiver.OtlpDump;
import dev.shuttle.receiver.OtlpJson;
import dev.shuttle.receiver.TelemetryStore;
import dev.shuttle.receiver.viewer.ViewerConfig;
import dev.shuttle.receiver.viewer.ViewerServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shuttle view FILE}: an OTLP/JSON file in the web viewer. */
@Command(
    name = "view",
    mixinStandardHelpOptions = true,
    description = {
      "Shows an OTLP/JSON file in the web viewer, until Ctrl-C.",
      "",
      "FILE is a dump written by 'shuttle demo --dump' or 'shuttle receiver --dump', or any"
          + " OTLP/JSON object with resourceSpans, resourceMetrics or resourceLogs. The viewer"
          + " lists its traces, draws each as a waterfall with its critical path, parallelism and"
          + " queue waits, and charts its metrics; see docs/viewer.md. Stops on Ctrl-C or SIGTERM"
          + " (exit code 0), or after --for.",
      ""
    })
final class ViewCommand implements Callable<Integer> {
  /** How long a Ctrl-C or SIGTERM waits for the viewer to stop before the JVM ends. */
  private static final Duration LAST_WORK_LIMIT = Duration.ofSeconds(10);

  @Parameters(index = "0", paramLabel = "FILE", description = "The OTLP/JSON file to show.")
  Path file = Path.of("");

  @Option(
      names = "--ui-port",
      paramLabel = "PORT",
      defaultValue = "16686",
      description = "Web viewer port; 0 for any free port. Default: ${DEFAULT-VALUE}.")
  int uiPort;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on. Default: ${DEFAULT-VALUE}. Elsewhere anyone who can reach the"
              + " port can read the file's telemetry.")
  String bind = "127.0.0.1";

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Stop after this long (30s, 500ms, 1.5m, 1h or ISO-8601 PT30S). Default: until"
              + " interrupted.")
  @Nullable Duration runFor;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (uiPort < 0 || uiPort > 65_535) {
      throw new ParameterException(
          spec.commandLine(),
          "--ui-port must be within [0, 65535] (0 for any free port), was " + uiPort);
    }
    if (runFor != null && (runFor.isNegative() || runFor.isZero())) {
      throw new ParameterException(spec.commandLine(), "--for must be positive, was " + runFor);
    }
    ViewerConfig config;
    try {
      config = ViewerConfig.builder().bindAddress(bind).port(uiPort).build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    OtlpDump dump = read(err);
    if (dump == null) {
      return 2;
    }
    TelemetryStore store = TelemetryStore.create();
    store.addTraces(dump.traces());
    store.addMetrics(dump.metrics());
    store.addLogs(dump.logs());
    ViewerServer viewer;
    try {
      viewer = ViewerServer.start(store, config);
    } catch (IOException e) {
      err.println(
          "The viewer " + e.getMessage() + "; choose another --ui-port, or 0 for any free port");
      err.flush();
      return 2;
    }
    try (GracefulStop stop = GracefulStop.install("shuttle-view-stop", LAST_WORK_LIMIT);
        viewer) {
      out.printf(
          "Loaded %s in %s, %s and %s from %s%n",
          Plural.count(store.spanCount(), "span", "spans"),
          Plural.count(store.traceCount(), "trace", "traces"),
          Plural.count(store.dataPointCount(), "metric data point", "metric data points"),
          Plural.count(store.logRecordCount(), "log record", "log records"),
          file);
      if (store.evictedSpans() + store.evictedDataPoints() + store.evictedLogRecords() > 0) {
        out.printf(
            "(the store's limits left out %s, %s and %s)%n",
            Plural.count(store.evictedSpans(), "span", "spans"),
            Plural.count(store.evictedDataPoints(), "data point", "data points"),
            Plural.count(store.evictedLogRecords(), "log record", "log records"));
      }
      out.println("Viewer on " + viewer.url());
      out.flush();
      stop.await(runFor);
      viewer.stop(Duration.ZERO);
      return 0;
    }
  }

  /** Reads the file, or says in one line why it cannot and returns null. */
  private @Nullable OtlpDump read(PrintWriter err) {
    String problem;
    try {
      if (Files.isDirectory(file)) {
        problem = file + " is a directory; give an OTLP/JSON file";
      } else {
        OtlpDump dump = OtlpJson.readDump(file);
        if (dump.traces().getResourceSpansCount() > 0
            || dump.metrics().getResourceMetricsCount() > 0
            || dump.logs().getResourceLogsCount() > 0) {
          return dump;
        }
        problem =
            file + " holds no resourceSpans, resourceMetrics or resourceLogs: nothing to show";
      }
    } catch (NoSuchFileException e) {
      problem = "no such file: " + file;
    } catch (InvalidProtocolBufferException e) {
      problem = file + " is not OTLP/JSON: " + e.getMessage();
    } catch (CharacterCodingException e) {
      problem = file + " is not OTLP/JSON: it is not UTF-8 text";
    } catch (IOException e) {
      problem = "cannot read " + file + ": " + e.getMessage();
    }
    err.println(problem);
    err.flush();
    return null;
  }
}
