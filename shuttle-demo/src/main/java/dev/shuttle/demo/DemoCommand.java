package dev.shuttle.demo;

import dev.shuttle.Goroutines;
import dev.shuttle.context.Stoppable;
import dev.shuttle.demo.scenario.OtlpTarget;
import dev.shuttle.demo.scenario.Scenario;
import dev.shuttle.demo.scenario.Scenarios;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.otel.ShuttleOtel;
import dev.shuttle.receiver.OtlpJson;
import dev.shuttle.receiver.StoredTrace;
import dev.shuttle.receiver.render.TraceRenderer;
import dev.shuttle.receiver.viewer.ViewerConfig;
import dev.shuttle.receiver.viewer.ViewerServer;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code shuttle demo}: runs the guide's scenarios and prints the traces they exported. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the guide's scenarios and shows their traces, exported over real OTLP.",
      "",
      "Each scenario's spans and metrics go through the OpenTelemetry OTLP exporter to an"
          + " embedded receiver on ephemeral 127.0.0.1 ports; after each scenario the demo"
          + " flushes and prints its trace trees and a metric summary. With --endpoint or"
          + " OTEL_EXPORTER_OTLP_ENDPOINT the data goes to that collector (Collector, Jaeger,"
          + " Tempo...) instead.",
      "",
      "With --ui the demo also serves the web viewer (http://127.0.0.1:16686 by default) and,"
          + " after the scenarios, keeps the receiver and the viewer up until Ctrl-C: every"
          + " scenario's traces, each as a waterfall with its critical path, parallelism and queue"
          + " waits, and the metrics as charts; see docs/viewer.md. While the scenarios run, the"
          + " goroutines still running are exported every second too, so that the viewer shows"
          + " unfinished work.",
      "",
      "Under the OpenTelemetry Java agent (-javaagent) everything is recorded through the"
          + " agent, which exports where it is configured to (otel.exporter.otlp.*); if that is"
          + " a free local port (by default http://localhost:4318) the embedded receiver listens"
          + " there and the demo waits for the agent's exports. See docs/agent.md.",
      "",
      "After each scenario the demo checks that the embedded receiver holds every span the"
          + " scenario ended, and reports the scenario as failed if any is missing (under the"
          + " agent it can only wait for the agent's export). Ctrl-C prints what ran so far and"
          + " exits with 130. Exit codes: 0 all scenarios passed, 1 a scenario failed, 2 a"
          + " mistake in the options or an endpoint that does not take the export.",
      ""
    })
final class DemoCommand implements Callable<Integer> {
  static final String ALL = "all";

  @Spec CommandSpec spec;

  @Option(
      names = "--scenario",
      paramLabel = "NAME",
      description = "Scenario to run; repeatable. Default: ${DEFAULT-VALUE}. See --list.",
      defaultValue = ALL)
  List<String> scenarioNames = new ArrayList<>();

  @Option(names = "--list", description = "List the scenarios and exit.")
  boolean list;

  @Option(
      names = "--protocol",
      paramLabel = "PROTOCOL",
      converter = ProtocolConverter.class,
      description =
          "OTLP protocol: grpc or http/protobuf. Default: grpc (or OTEL_EXPORTER_OTLP_PROTOCOL"
              + " when exporting to an external endpoint).")
  @Nullable OtlpProtocol protocol;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description =
          "Export to this OTLP endpoint (a Collector, Jaeger, Tempo...) instead of the embedded"
              + " receiver: an http:// or https:// URL such as http://127.0.0.1:4317. Default:"
              + " OTEL_EXPORTER_OTLP_ENDPOINT if set. The demo checks that something listens"
              + " there before it starts, and stops at the first failed export (exit code 2).")
  @Nullable String endpoint;

  @Option(
      names = "--dump",
      paramLabel = "FILE",
      description =
          "Write everything received as OTLP/JSON to FILE (embedded receiver only); its"
              + " directory is checked before the scenarios run.")
  @Nullable Path dump;

  @Option(names = "--quiet", description = "Print only progress and the result, no traces.")
  boolean quiet;

  @Mixin TerminalOptions terminal = new TerminalOptions(); // --wide, --color

  @Option(
      names = "--ui",
      description =
          "Serve the web viewer; after the scenarios keep it and the receiver up until Ctrl-C"
              + " (embedded receiver only).")
  boolean ui;

  @Option(
      names = "--ui-port",
      paramLabel = "PORT",
      description = "Web viewer port with --ui; 0 for any free port. Default: 16686.")
  @Nullable Integer uiPort;

  /** How often metrics are exported with --ui, so that the viewer charts them during a run. */
  static final Duration UI_METRIC_INTERVAL = Duration.ofMillis(250);

  /** How often the running goroutines are exported with --ui, so that the viewer shows them. */
  static final Duration UI_LIVE_INTERVAL = Duration.ofSeconds(1);

  /** How long a Ctrl-C or SIGTERM waits, with --ui, for the viewer and receiver to stop. */
  private static final Duration UI_STOP_LIMIT = Duration.ofSeconds(10);

  /** How the demo keeps the viewer up after the scenarios, with --ui. */
  @FunctionalInterface
  interface UiWait {
    /** Returns when the viewer is to stop; by default when {@code stop} is signalled. */
    void await(GracefulStop stop, ViewerServer viewer) throws InterruptedException;
  }

  private final List<Scenario> available;
  private final UiWait uiWait;

  /** A demo over every scenario. */
  DemoCommand() {
    this(Scenarios.all());
  }

  /** A demo over {@code available}; for tests. */
  DemoCommand(List<Scenario> available) {
    this(available, (stop, viewer) -> stop.await(null));
  }

  /** A demo over {@code available} that keeps the viewer up as {@code uiWait} says; for tests. */
  DemoCommand(List<Scenario> available, UiWait uiWait) {
    this.available = List.copyOf(available);
    this.uiWait = uiWait;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (list) {
      for (Scenario s : available) {
        out.printf("%-16s %s%s%n", s.name(), s.description(), s.inAll() ? "" : " (not in 'all')");
      }
      out.flush();
      return 0;
    }
    List<Scenario> scenarios = selectedScenarios();
    if (uiPort != null && !ui) {
      throw new ParameterException(spec.commandLine(), "--ui-port needs --ui");
    }
    if (uiPort != null && (uiPort < 0 || uiPort > 65_535)) {
      throw new ParameterException(
          spec.commandLine(),
          "--ui-port must be within [0, 65535] (0 for any free port), was " + uiPort);
    }
    if (dump != null) {
      OutputFile.checkWritable(dump, "--dump"); // before the scenarios, not after them
    }
    if (ShuttleOtel.isJavaAgentActive()) {
      return callUnderAgent(scenarios, out);
    }
    String external = endpoint != null ? endpoint : System.getenv(DemoSession.ENDPOINT_VARIABLE);
    if (external != null && (dump != null || ui)) {
      throw new ParameterException(
          spec.commandLine(),
          (dump != null ? "--dump" : "--ui")
              + " needs the embedded receiver, but spans go to "
              + external
              + "; drop --endpoint (and unset "
              + DemoSession.ENDPOINT_VARIABLE
              + ") to use it");
    }
    if (external != null) {
      ExportEndpoint target =
          ExportEndpoint.parse(
              external, endpoint != null ? "--endpoint" : DemoSession.ENDPOINT_VARIABLE);
      target.checkAnswers(ExportEndpoint.CONNECT_TIMEOUT);
    }
    try (DemoSession session =
        external != null
            ? DemoSession.external(endpoint, protocol)
            : DemoSession.embedded(
                protocol == null ? OtlpProtocol.GRPC : protocol, ui ? UI_METRIC_INTERVAL : null)) {
      ShuttleTelemetry.use(session.openTelemetry());
      try {
        return run(session, scenarios, out);
      } finally {
        ShuttleTelemetry.useGlobal();
      }
    }
  }

  /** The demo under the OpenTelemetry Java agent: the agent records and exports everything. */
  private int callUnderAgent(List<Scenario> scenarios, PrintWriter out)
      throws IOException, InterruptedException {
    if (endpoint != null || protocol != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--endpoint and --protocol do not apply under the OpenTelemetry Java agent, which does"
              + " the exporting; set -Dotel.exporter.otlp.endpoint=URL or"
              + " -Dotel.exporter.otlp.protocol=PROTOCOL for the agent instead");
    }
    AgentExport export = AgentExport.ofThisJvm();
    if (export.dropsTraces()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "The OpenTelemetry Java agent's traces exporter is 'none' (otel.traces.exporter), so"
              + " every span would be dropped; run the demo with the agent's default exporter,"
              + " otlp");
      err.flush();
      return 2;
    }
    try (DemoSession session = DemoSession.underAgent(export)) {
      if ((dump != null || ui) && !session.isEmbedded()) {
        throw new ParameterException(
            spec.commandLine(),
            (dump != null ? "--dump" : "--ui")
                + " needs the embedded receiver, but the agent exports to "
                + session.endpoint()
                + "; point the agent at a free local port to use it");
      }
      return run(session, scenarios, out);
    }
  }

  private static String header(DemoSession session) {
    AgentExport agent = session.agent().orElse(null);
    if (agent == null) {
      return session.isEmbedded()
          ? "Exporting over OTLP to the embedded receiver at " + session.endpoint()
          : "Exporting over OTLP to " + session.endpoint() + " (look for service shuttle-demo)";
    }
    String through = "Recording through the OpenTelemetry Java agent";
    if (!agent.exportsOtlp()) {
      return through
          + ", which exports with "
          + String.join(", ", agent.tracesExporters())
          + " (otel.traces.exporter): the traces cannot be shown here";
    }
    if (session.isEmbedded()) {
      return through
          + ", which exports over OTLP ("
          + agent.protocol()
          + ") to the embedded receiver at "
          + session.endpoint()
          + agent.speedHint().map(hint -> System.lineSeparator() + hint).orElse("");
    }
    return through
        + ", which exports to "
        + session.endpoint()
        + (agent.loopbackReceiver().isPresent()
            ? " (a port in use, by a collector?)"
            : " (not a local http:// address the demo can listen on)")
        + ": the traces cannot be shown here";
  }

  private int run(DemoSession session, List<Scenario> scenarios, PrintWriter out)
      throws IOException, InterruptedException {
    ViewerServer viewer = null;
    if (ui) {
      try {
        viewer =
            ViewerServer.start(
                session.store().orElseThrow(),
                ViewerConfig.builder()
                    .port(uiPort == null ? ViewerConfig.DEFAULT_PORT : uiPort)
                    .build());
      } catch (IOException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(
            "The viewer " + e.getMessage() + "; choose another --ui-port, or 0 for any free port");
        err.flush();
        return 2; // before the scenarios run
      }
    }
    try (ViewerServer shown = viewer) {
      return run(session, scenarios, out, shown);
    }
  }

  private int run(
      DemoSession session, List<Scenario> scenarios, PrintWriter out, @Nullable ViewerServer viewer)
      throws IOException, InterruptedException {
    out.println(header(session));
    if (viewer != null) {
      out.println("Viewer on " + viewer.url());
    }
    out.flush();
    PrintStream err = System.err;
    ProgressLine progress = new ProgressLine(err, ProgressLine.onTerminal());
    ScenarioTally tally = new ScenarioTally(scenarios.size());
    int traces = 0;
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("shuttle-demo-progress").factory());
    // with the viewer, it shows the goroutines still running, as they run
    Stoppable live = viewer == null ? null : Goroutines.exportLive(UI_LIVE_INTERVAL);
    PrintWriter scenarioOut =
        quiet
            ? new PrintWriter(Writer.nullWriter())
            : new PrintWriter(new ScenarioOutput(out, progress));
    ExportProblem stopped = null;
    try (InterruptReport onSignal =
        InterruptReport.install(() -> reportInterrupted(session, tally, progress, out))) {
      for (int i = 0; i < scenarios.size() && stopped == null; i++) {
        Scenario scenario = scenarios.get(i);
        int index = i + 1;
        Set<String> before = session.traceIds();
        tally.starting(scenario.name());
        if (!quiet) {
          out.println();
          out.println(terminal.fit("== " + scenario.name() + ": " + scenario.description()));
          out.flush();
        }
        progress.show(index, scenarios.size(), scenario.name(), session.spansReceived());
        var updates =
            ticker.scheduleAtFixedRate(
                () ->
                    progress.show(
                        index, scenarios.size(), scenario.name(), session.spansReceived()),
                100,
                100,
                TimeUnit.MILLISECONDS);
        String failure =
            runOne(scenario, session.openTelemetry(), scenarioOut, session.exportTarget());
        ExportProblem exportProblem = session.awaitExport();
        updates.cancel(false);
        progress.clear();
        if (exportProblem != null && exportProblem.exportFailed()) {
          stopped = exportProblem; // every scenario after it would fail the same way
        } else if (exportProblem != null) {
          failure = (failure == null ? "" : failure + "; ") + exportProblem.reason();
        }
        tally.ran(failure);
        List<StoredTrace> fresh = session.tracesSince(before);
        traces += fresh.size();
        if (!quiet) {
          printScenario(out, fresh, session.changedMetrics(), session.isEmbedded(), viewer);
        }
      }
      tally.finish();
    } finally {
      ticker.shutdownNow();
      if (live != null) {
        live.stop();
      }
    }
    if (stopped != null) {
      return exportStopped(session, stopped, tally);
    }
    if (dump != null) {
      OtlpJson.dump(session.store().orElseThrow(), dump);
      out.println("Wrote everything received, as OTLP/JSON, to " + dump);
    }
    List<String> failures = tally.failures();
    out.printf(
        "%s, %d failed; %s%n",
        Plural.count(scenarios.size(), "scenario", "scenarios"),
        failures.size(),
        session.isEmbedded()
            ? Plural.count(traces, "trace", "traces")
                + ", "
                + Plural.count(session.spansReceived(), "span", "spans")
                + " received over OTLP"
            : session.agent().isPresent()
                ? "exported by the OpenTelemetry Java agent"
                    + (session.agent().get().exportsOtlp() ? " to " + session.endpoint() : "")
                : "exported to " + session.endpoint());
    out.flush();
    int code = 0;
    if (!failures.isEmpty()) {
      PrintWriter errors = spec.commandLine().getErr();
      failures.forEach(f -> errors.println("FAILED " + f));
      errors.flush();
      code = 1;
    }
    if (viewer != null) {
      keepViewing(session, viewer, out);
    }
    return code;
  }

  /**
   * Keeps the receiver and the viewer up until Ctrl-C or SIGTERM (or, in tests, until {@link
   * #uiWait} returns), then stops both before the signal's hook ends the JVM.
   */
  private void keepViewing(DemoSession session, ViewerServer viewer, PrintWriter out)
      throws InterruptedException {
    session.closeSdk(); // its last export is in: no periodic metric exports while viewing
    out.println("Viewer on " + viewer.url() + " - press Ctrl-C to stop");
    out.flush();
    try (GracefulStop stop = GracefulStop.install("shuttle-demo-ui-stop", UI_STOP_LIMIT)) {
      uiWait.await(stop, viewer);
      viewer.stop(Duration.ZERO); // ends the browsers' event streams cleanly
      session.close(); // the SDK and the receiver, before the hook ends the JVM
      out.println("Stopped the viewer and the receiver");
      out.flush();
    }
  }

  /** Runs one scenario; returns why it failed, or null. */
  private static @Nullable String runOne(
      Scenario scenario, OpenTelemetry openTelemetry, PrintWriter out, OtlpTarget target) {
    try {
      scenario.run(openTelemetry, out, target);
      return null;
    } catch (Exception | AssertionError e) {
      return e.toString();
    }
  }

  /**
   * Ends the demo at a failed export, in one line that says what to do: exit code 2 when the data
   * went to an endpoint the user named (their collector refused it or went away), 1 when it went to
   * the embedded receiver (a fault of the demo itself).
   */
  private int exportStopped(DemoSession session, ExportProblem problem, ScenarioTally tally) {
    PrintWriter errors = spec.commandLine().getErr();
    tally.failures().forEach(f -> errors.println("FAILED " + f));
    if (session.isEmbedded()) {
      errors.println("FAILED " + problem.reason() + "; stopped the demo");
      errors.flush();
      return 1;
    }
    errors.println(
        problem.reason()
            + ", so the demo stopped; check that a collector listens there for OTLP over "
            + exportProtocol()
            + " (--endpoint, --protocol)");
    errors.flush();
    return CliErrors.USAGE;
  }

  /** The protocol the SDK exports with to an external endpoint. */
  private String exportProtocol() {
    if (protocol != null) {
      return protocol.configValue();
    }
    String variable = System.getenv("OTEL_EXPORTER_OTLP_PROTOCOL");
    return variable != null ? variable : OtlpProtocol.GRPC.configValue(); // the SDK's default
  }

  /** Reports a run interrupted by Ctrl-C or SIGTERM, from {@link InterruptReport}'s hook. */
  private void reportInterrupted(
      DemoSession session, ScenarioTally tally, ProgressLine progress, PrintWriter out) {
    long spans = session.spansReceived();
    String line =
        tally.interruptedLine(
            session.isEmbedded()
                ? spans + (spans == 1 ? " span" : " spans") + " received over OTLP"
                : "exported to " + session.endpoint());
    if (line == null) {
      return; // the run had finished: its own summary is on its way
    }
    progress.stop();
    out.println();
    out.println(line);
    out.flush();
    PrintWriter errors = spec.commandLine().getErr();
    tally.failures().forEach(f -> errors.println("FAILED " + f));
    errors.flush();
  }

  /**
   * Prints a scenario's traces and changed metrics, under the header printed before it ran, each
   * line fitted to the terminal (unless --wide) and coloured on a terminal (see --color).
   */
  private void printScenario(
      PrintWriter out,
      List<StoredTrace> traces,
      List<ResourceMetrics> metrics,
      boolean embedded,
      @Nullable ViewerServer viewer) {
    if (!embedded) {
      out.flush();
      return;
    }
    TraceRenderer renderer = terminal.traceRenderer();
    if (viewer != null) {
      renderer = renderer.withTraceUrl(viewer::traceUrl);
    }
    for (StoredTrace trace : traces) {
      out.print(renderer.render(trace));
    }
    if (!metrics.isEmpty()) {
      out.println("-- metrics");
      out.print(terminal.metricsRenderer().render(metrics));
    }
    out.flush();
  }

  private List<Scenario> selectedScenarios() {
    Set<String> names = new LinkedHashSet<>(scenarioNames);
    if (names.isEmpty() || names.contains(ALL)) {
      return available.stream().filter(Scenario::inAll).toList();
    }
    List<Scenario> chosen = new ArrayList<>();
    for (String name : names) {
      chosen.add(
          available.stream()
              .filter(s -> s.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ParameterException(
                          spec.commandLine(),
                          "unknown scenario '"
                              + name
                              + "'; choose from: all, "
                              + String.join(
                                  ", ", available.stream().map(Scenario::name).toList()))));
    }
    for (Scenario scenario : chosen) {
      Optional<String> missing = scenario.missing();
      if (missing.isPresent()) {
        throw new ParameterException(spec.commandLine(), missing.get());
      }
    }
    return chosen;
  }

  /** Reads {@code grpc} or {@code http/protobuf}. */
  static final class ProtocolConverter implements ITypeConverter<OtlpProtocol> {
    @Override
    public OtlpProtocol convert(String value) {
      for (OtlpProtocol p : OtlpProtocol.values()) {
        if (p.configValue().equalsIgnoreCase(value)) {
          return p;
        }
      }
      throw new picocli.CommandLine.TypeConversionException(
          "'" + value + "' is not an OTLP protocol; use grpc or http/protobuf");
    }
  }
}
