package dev.shuttle.demo;

import dev.shuttle.receiver.OtlpJson;
import dev.shuttle.receiver.OtlpReceiver;
import dev.shuttle.receiver.ReceiverBindException;
import dev.shuttle.receiver.ReceiverConfig;
import dev.shuttle.receiver.StoreLimits;
import dev.shuttle.receiver.TelemetryStore;
import dev.shuttle.receiver.render.MetricsPrinter;
import dev.shuttle.receiver.render.TracePrinter;
import dev.shuttle.receiver.render.TraceRenderer;
import dev.shuttle.receiver.viewer.ViewerConfig;
import dev.shuttle.receiver.viewer.ViewerServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code shuttle receiver}: the embedded OTLP receiver as a small local collector. */
@Command(
    name = "receiver",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the OTLP receiver standalone: a small local collector that prints traces and"
          + " metrics and shows them in a web viewer.",
      "",
      "Any OTLP application can send to it: set OTEL_EXPORTER_OTLP_ENDPOINT to"
          + " http://127.0.0.1:4317 (grpc) or http://127.0.0.1:4318 (http/protobuf). Each trace"
          + " is printed as a tree when its root span arrives, headed by its link in the viewer"
          + " (http://127.0.0.1:16686 by default: the traces, each as a waterfall with its"
          + " critical path, parallelism and queue waits, and the metrics as charts; see"
          + " docs/viewer.md). Metrics are printed as they change: the data points whose value"
          + " changed since they were last printed, at most every 10 seconds, and the last"
          + " changes when it stops. Lines fit the terminal (see --wide). Stops on Ctrl-C or"
          + " SIGTERM (then answers the requests in flight, prints a summary, writes --dump, and"
          + " exits 0), or after --for.",
      ""
    })
final class ReceiverCommand implements Callable<Integer> {
  /** How long requests in flight at a stop may take to be answered. */
  private static final Duration IN_FLIGHT_GRACE = Duration.ofSeconds(5);

  /** How long a Ctrl-C or SIGTERM waits for the summary and the dump before the JVM ends. */
  private static final Duration LAST_WORK_LIMIT = Duration.ofMinutes(2);

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      defaultValue = "4318",
      description =
          "OTLP/HTTP port; 0 for any free port, -1 to disable. Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(
      names = "--grpc-port",
      paramLabel = "PORT",
      defaultValue = "4317",
      description =
          "OTLP/gRPC port; 0 for any free port, -1 to disable. Default: ${DEFAULT-VALUE}.")
  int grpcPort;

  @Option(
      names = "--ui-port",
      paramLabel = "PORT",
      defaultValue = "16686",
      description =
          "Web viewer port; 0 for any free port, -1 to disable. Default: ${DEFAULT-VALUE}.")
  int uiPort;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on, for OTLP and the viewer. Default: ${DEFAULT-VALUE}. Elsewhere"
              + " anyone who can reach the ports can send telemetry and read it in the viewer.")
  String bind = "127.0.0.1";

  @Option(
      names = "--max-spans",
      paramLabel = "N",
      defaultValue = "100000",
      description = "Spans kept; the oldest traces go first. Default: ${DEFAULT-VALUE}.")
  int maxSpans;

  @Option(
      names = "--max-data-points",
      paramLabel = "N",
      defaultValue = "100000",
      description = "Metric data points kept. Default: ${DEFAULT-VALUE}.")
  int maxDataPoints;

  @Option(
      names = "--max-log-records",
      paramLabel = "N",
      defaultValue = "100000",
      description = "Log records kept. Default: ${DEFAULT-VALUE}.")
  int maxLogRecords;

  @Option(
      names = "--max-store-bytes",
      paramLabel = "BYTES",
      description =
          "Estimated heap kept for spans, data points and log records together; the oldest go"
              + " first. Default: a quarter of the heap, at least 16 MiB, at most 1 GiB.")
  @Nullable Long maxStoreBytes;

  @Option(
      names = "--max-body-bytes",
      paramLabel = "BYTES",
      defaultValue = "67108864",
      description = "Largest request body, also after gzip. Default: ${DEFAULT-VALUE} (64 MiB).")
  int maxBodyBytes;

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      description = "Stop after this long (ISO-8601, e.g. PT30S). Default: until interrupted.")
  @Nullable Duration runFor;

  @Option(
      names = "--dump",
      paramLabel = "FILE",
      description = "On exit, write everything received as OTLP/JSON to FILE.")
  @Nullable Path dump;

  @Mixin TerminalOptions terminal = new TerminalOptions();

  /** How the receiver waits for the end of its run, given --for. */
  @FunctionalInterface
  interface RunWait {
    /** Returns when the receiver is to stop; by default on a signal or after {@code runFor}. */
    void await(GracefulStop stop, @Nullable Duration runFor) throws InterruptedException;
  }

  /** By default, until Ctrl-C, SIGTERM or the end of --for; tests replace it. */
  RunWait runWait = GracefulStop::await;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ReceiverConfig config;
    ViewerConfig viewerConfig = null;
    if (uiPort < ReceiverConfig.DISABLED || uiPort > 65_535) {
      throw new ParameterException(
          spec.commandLine(),
          "--ui-port must be within [0, 65535] (0 for any free port), or -1 for no viewer, was "
              + uiPort);
    }
    try {
      if (uiPort != ReceiverConfig.DISABLED) {
        viewerConfig = ViewerConfig.builder().bindAddress(bind).port(uiPort).build();
      }
      config =
          ReceiverConfig.builder()
              .bindAddress(bind)
              .httpPort(httpPort)
              .grpcPort(grpcPort)
              .maxBodyBytes(maxBodyBytes)
              .storeLimits(
                  new StoreLimits(
                      maxSpans,
                      maxDataPoints,
                      maxLogRecords,
                      maxStoreBytes == null ? StoreLimits.defaultMaxBytes() : maxStoreBytes))
              .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintStream out = System.out; // the receiver's trace printer writes to a PrintStream
    OtlpReceiver created = OtlpReceiver.create(config);
    try {
      created.start(); // before anything is printed: a port in use is one line on stderr
    } catch (ReceiverBindException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          e.getMessage()
              + "; choose another "
              + (e.protocol().equals(ReceiverBindException.HTTP) ? "--http-port" : "--grpc-port")
              + ", 0 for any free port, or -1 to turn it off (is another receiver or collector"
              + " running?)");
      err.flush();
      return 2;
    }
    try (GracefulStop stop = GracefulStop.install("shuttle-receiver-stop", LAST_WORK_LIMIT);
        OtlpReceiver receiver = created;
        ViewerServer viewer = startViewer(receiver, viewerConfig)) {
      if (viewerConfig != null && viewer == null) {
        return 2; // the viewer's port is taken: said so, before any work
      }
      if (httpPort != ReceiverConfig.DISABLED) {
        out.println("OTLP/HTTP listening on " + receiver.httpEndpoint());
      }
      if (grpcPort != ReceiverConfig.DISABLED) {
        out.println("OTLP/gRPC listening on " + receiver.grpcEndpoint());
      }
      if (viewer != null) {
        out.println("Viewer on " + viewer.url());
      }
      out.flush();
      TraceRenderer renderer = terminal.traceRenderer();
      receiver
          .store()
          .addListener(
              TracePrinter.create(
                  receiver.store(),
                  out,
                  viewer == null ? renderer : renderer.withTraceUrl(viewer::traceUrl)));
      MetricsPrinter metrics = MetricsPrinter.create(out, terminal.metricsRenderer());
      receiver.store().addMetricListener(metrics);
      runWait.await(stop, runFor);
      if (viewer != null) {
        viewer.stop(Duration.ZERO); // ends the browsers' event streams cleanly
      }
      receiver.stop(IN_FLIGHT_GRACE); // no new requests; those in flight are answered and stored
      metrics.flush(); // the changes not printed yet
      TelemetryStore store = receiver.store();
      out.println(
          "Received "
              + Plural.count(store.spansReceived(), "span", "spans")
              + " ("
              + Plural.count(store.traceCount(), "trace", "traces")
              + " held, "
              + store.evictedTraces()
              + " evicted) and "
              + Plural.count(
                  store.dataPointCount() + store.evictedDataPoints(),
                  "metric data point",
                  "metric data points"));
      if (dump != null) {
        OtlpJson.dump(receiver.store(), dump);
        out.println("Wrote everything received, as OTLP/JSON, to " + dump);
      }
      out.flush();
      return 0;
    }
  }

  /** Starts the viewer, or says in one line why it cannot listen and returns null. */
  private @Nullable ViewerServer startViewer(
      OtlpReceiver receiver, @Nullable ViewerConfig viewerConfig) {
    if (viewerConfig == null) {
      return null;
    }
    try {
      return ViewerServer.start(receiver.store(), viewerConfig);
    } catch (IOException e) {
      spec.commandLine()
          .getErr()
          .println(
              "The viewer "
                  + e.getMessage()
                  + "; choose another --ui-port, 0 for any free port, or -1 for no viewer");
      spec.commandLine().getErr().flush();
      return null;
    }
  }
}
