package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.receiver.OtlpReceiver;
import dev.shuttle.receiver.ReceiverConfig;
import dev.shuttle.receiver.StoredSpan;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs Shuttle under the real OpenTelemetry Java agent ({@code -javaagent}, the jar Maven resolved
 * for the test-scoped dependency) in JVMs of their own, exporting over real OTLP.
 *
 * <p>The child JVMs export with {@code otel.bsp.schedule.delay=100} so that nothing waits for the
 * agent's default 5 s batches. Metrics and logs are switched off ({@code
 * otel.metrics.exporter=none}, {@code otel.logs.exporter=none}) where only spans are checked or
 * nothing would receive them; the demo that receives the agent's exports itself runs with the
 * agent's defaults otherwise, as a user would run it.
 */
@Timeout(90)
class JavaAgentIT {
  private static final Path JAR = Path.of("target", "shuttle.jar");
  private static final Path TEST_CLASSES = Path.of("target", "test-classes");
  private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

  /** Spans the goroutines (12), channel (6) and worker-pool (15) scenarios record, no more. */
  private static final int SCENARIO_SPANS = 33;

  @TempDir Path tmp;

  private static Path agentJar() {
    String path = System.getProperty("shuttle.it.javaagent");
    assertThat(path)
        .as("the agent jar, set by the dependency plugin's properties goal")
        .isNotNull();
    return Path.of(path);
  }

  private record Result(int exitCode, String output) {}

  /** Runs {@code java -javaagent:<agent> args...} and returns its exit code and output. */
  private Result java(List<String> args) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-javaagent:" + agentJar()));
    command.addAll(args);
    Path output = Files.createTempFile(tmp, "child", ".txt");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean exited = process.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly().waitFor();
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(exited).as("the child exited within %s:%n%s", CHILD_TIMEOUT, text).isTrue();
    return new Result(process.exitValue(), text);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aShuttleProgramUnderTheAgentKeepsEveryTraceWholeAndRecordsEverySpanOnce() throws Exception {
    // given: the test's receiver, and a Shuttle program under the agent exporting to it
    try (OtlpReceiver receiver =
        OtlpReceiver.start(
            ReceiverConfig.builder().httpPort(0).grpcPort(ReceiverConfig.DISABLED).build())) {

      // when
      Result result =
          java(
              List.of(
                  "-Dotel.exporter.otlp.endpoint=" + receiver.httpEndpoint(),
                  "-Dotel.bsp.schedule.delay=100",
                  "-Dotel.metrics.exporter=none",
                  "-Dotel.logs.exporter=none",
                  "-Dotel.service.name=agent-it",
                  "-cp",
                  JAR + java.io.File.pathSeparator + TEST_CLASSES,
                  AgentProgram.class.getName()));

      // then: ShuttleOtel found the agent, said so in one line, and started no SDK of its own
      assertThat(result.exitCode()).as(result.output()).isZero();
      assertThat(result.output())
          .contains("OpenTelemetry Java agent active: Shuttle records to the agent's")
          .contains("ignores otel.service.name");
      // the agent exported at exit; everything is here, and nothing more arrives
      assertThat(receiver.store().awaitSpans(SCENARIO_SPANS, Duration.ofSeconds(10))).isTrue();
      List<StoredSpan> spans =
          receiver.store().traces().stream().flatMap(t -> t.spans().stream()).toList();

      // (b) no span is doubled: each span id once, no span from the agent's own instrumentation
      // (its executor and thread instrumentation only propagate context), the expected counts
      assertThat(spans.stream().map(StoredSpan::spanId).distinct().count()).isEqualTo(spans.size());
      assertThat(spans.stream().map(s -> s.scope().getName()).collect(Collectors.toSet()))
          .containsExactlyInAnyOrder(
              "dev.shuttle", "goroutine-tracing", "pipeline-stage", "worker-pool");
      assertThat(spans.stream().map(StoredSpan::serviceName).distinct())
          .containsExactly("agent-it");
      assertThat(
              spans.stream()
                  .collect(Collectors.groupingBy(StoredSpan::name, Collectors.counting())))
          .isEqualTo(
              Map.ofEntries(
                  Map.entry("parent-operation", 1L),
                  Map.entry("goroutine-1", 1L),
                  Map.entry("parallel-tasks", 1L),
                  Map.entry("process-task", 4L),
                  Map.entry("errgroup-tasks", 1L),
                  Map.entry("errgroup-task", 4L),
                  Map.entry("channel-pipeline", 1L),
                  Map.entry("process-message", 5L),
                  Map.entry("worker-pool-start", 1L),
                  Map.entry("submit-jobs", 2L),
                  Map.entry("process-job", 12L)));
      assertThat(spans).hasSize(SCENARIO_SPANS);

      // (a) traces are whole: every parent is there, in the same trace
      Map<String, StoredSpan> byId =
          spans.stream().collect(Collectors.toMap(StoredSpan::spanId, Function.identity()));
      for (StoredSpan span : spans) {
        if (!span.isRoot()) {
          StoredSpan parent = byId.get(span.parentSpanId());
          assertThat(parent).as("the parent of %s", span.name()).isNotNull();
          assertThat(parent.traceId()).isEqualTo(span.traceId());
        }
      }
      // goroutines and group tasks are children of the span that started them
      assertParents(spans, byId, "goroutine-1", "parent-operation");
      assertParents(spans, byId, "process-task", "parallel-tasks");
      assertParents(spans, byId, "errgroup-task", "errgroup-tasks");
      // a channel's consumer continues the producer's trace
      assertParents(spans, byId, "process-message", "channel-pipeline");
      // each pool job is a child of the span that submitted it, whichever worker ran it
      assertParents(spans, byId, "process-job", "submit-jobs");
      for (StoredSpan job : spans.stream().filter(s -> s.name().equals("process-job")).toList()) {
        String request = attribute(byId.get(job.parentSpanId()), "request.id");
        assertThat(attribute(job, "job.id")).startsWith(request + "/");
      }
      assertThat(
              spans.stream()
                  .filter(StoredSpan::isRoot)
                  .map(StoredSpan::name)
                  .collect(Collectors.toSet()))
          .isEqualTo(
              Set.of(
                  "parent-operation",
                  "parallel-tasks",
                  "errgroup-tasks",
                  "channel-pipeline",
                  "worker-pool-start",
                  "submit-jobs"));
    }
  }

  @Test
  void theDemoUnderTheAgentReceivesTheAgentsExportsAndPrintsWholeTraces() throws Exception {
    // given: the agent pointed at a free local port, everything else at the agent's defaults
    int port = freePort();

    // when
    Result result =
        java(
            List.of(
                "-Dotel.exporter.otlp.endpoint=http://127.0.0.1:" + port,
                "-Dotel.bsp.schedule.delay=100",
                "-jar",
                JAR.toString(),
                "demo",
                "--scenario",
                "goroutines",
                "--scenario",
                "channel",
                "--scenario",
                "worker-pool"));

    // then: the embedded receiver took the agent's port and the demo showed every span, once
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains(
            "Recording through the OpenTelemetry Java agent, which exports over OTLP"
                + " (http/protobuf) to the embedded receiver at http://127.0.0.1:"
                + port
                + "/v1/traces")
        .contains("3 scenarios, 0 failed; 7 traces, " + SCENARIO_SPANS + " spans received")
        .contains("└─ submit-jobs", "   ├─ process-job", "   └─ process-message (consumer)")
        .contains("└─ parent-operation", "   └─ goroutine-1");
    // the receiver's own requests (the agent instruments its HTTP server), the export markers,
    // and no export error at exit, when the agent flushes to the receiver that is still up
    assertThat(result.output())
        .doesNotContain("POST /", DemoSession.MARKER_SPAN, "Failed to export", "\tat ");
  }

  @Test
  void theDemoUnderTheAgentShowsWhereTracesGoWhenItCannotReceiveThem() throws Exception {
    // given: a receiver of the test's own on the agent's endpoint, so the demo cannot bind it
    try (OtlpReceiver receiver =
        OtlpReceiver.start(
            ReceiverConfig.builder().httpPort(0).grpcPort(ReceiverConfig.DISABLED).build())) {

      // when
      Result result =
          java(
              List.of(
                  "-Dotel.exporter.otlp.endpoint=" + receiver.httpEndpoint(),
                  "-Dotel.bsp.schedule.delay=100",
                  "-Dotel.metrics.exporter=none",
                  "-Dotel.logs.exporter=none",
                  "-jar",
                  JAR.toString(),
                  "demo",
                  "--scenario",
                  "channel"));

      // then: one clear line, and the agent's export arrived where that line said
      assertThat(result.exitCode()).as(result.output()).isZero();
      assertThat(result.output())
          .contains(
              "which exports to "
                  + receiver.httpEndpoint()
                  + "/v1/traces (a port in use, by a collector?): the traces cannot be shown here")
          .contains("1 scenario, 0 failed; exported by the OpenTelemetry Java agent to ");
      assertThat(receiver.store().awaitSpans(6, Duration.ofSeconds(10))).isTrue();
      assertThat(receiver.store().spansByName("process-message")).hasSize(5);
    }
  }

  @Test
  void theDemoUnderTheAgentWithoutATracesExporterFailsWithOneLine() throws Exception {
    // when
    Result result =
        java(
            List.of(
                "-Dotel.traces.exporter=none",
                // with nothing on localhost:4318, the agent would retry its final metric and log
                // exports at exit for seconds
                "-Dotel.metrics.exporter=none",
                "-Dotel.logs.exporter=none",
                "-jar",
                JAR.toString(),
                "demo",
                "--scenario",
                "channel"));

    // then
    assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
    assertThat(result.output())
        .contains(
            "The OpenTelemetry Java agent's traces exporter is 'none' (otel.traces.exporter), so"
                + " every span would be dropped")
        .doesNotContain(" failed; ", "\tat ");
  }

  private static void assertParents(
      List<StoredSpan> spans, Map<String, StoredSpan> byId, String child, String parent) {
    List<StoredSpan> children = spans.stream().filter(s -> s.name().equals(child)).toList();
    assertThat(children).as("spans named %s", child).isNotEmpty();
    for (StoredSpan span : children) {
      StoredSpan actual = byId.get(span.parentSpanId());
      assertThat(actual).as("the parent of %s", child).isNotNull();
      assertThat(actual.name()).as("the parent of %s", child).isEqualTo(parent);
      assertThat(actual.traceId()).isEqualTo(span.traceId());
    }
  }

  private static String attribute(StoredSpan span, String key) {
    return span.span().getAttributesList().stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(KeyValue::getValue)
        .map(v -> v.getStringValue())
        .findFirst()
        .orElseThrow(() -> new AssertionError(span.name() + " has no " + key));
  }
}
