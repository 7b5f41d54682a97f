package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

@Timeout(30)
class ReceiverCommandTest {
  private static final Pattern HTTP_ENDPOINT =
      Pattern.compile("OTLP/HTTP listening on (http://127\\.0\\.0\\.1:\\d+)");

  @Test
  void printsTracesFromAnyOtlpApplicationAndDumpsThemOnExit(@TempDir Path dir) throws Exception {
    // given: the standalone receiver on ephemeral ports, stopping by itself
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    Path dump = dir.resolve("received.json");
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Thread.ofVirtual()
          .start(
              () ->
                  exit.complete(
                      Main.commandLine()
                          .execute(
                              "receiver",
                              "--http-port=0",
                              "--grpc-port=0",
                              "--for=PT3S",
                              "--dump=" + dump)));
      String endpoint = awaitEndpoint(captured);

      // when: an application sends a span with the OTel OTLP/HTTP exporter
      try (SdkTracerProvider tracing = tracingTo(endpoint)) {
        tracing.get("app").spanBuilder("checkout").startSpan().end();
        assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      }

      // then
      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    } finally {
      System.setOut(originalOut);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    assertThat(output)
        .contains("checkout")
        .contains("Received 1 span (1 trace held, 0 evicted) and 0 metric data points");
    assertThat(Files.readString(dump)).contains("\"name\": \"checkout\"");
  }

  private static String awaitEndpoint(ByteArrayOutputStream captured) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Matcher m = HTTP_ENDPOINT.matcher(captured.toString(StandardCharsets.UTF_8));
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the receiver never said where it listens: " + captured);
  }

  @Test
  void maxStoreBytesSetsTheStoresByteLimitAndMustBePositive() {
    // given --max-store-bytes, when parsed, then it is the byte limit
    CommandLine parsed = Main.commandLine();
    parsed.parseArgs("receiver", "--max-store-bytes=1048576");
    ReceiverCommand receiver = parsed.getSubcommands().get("receiver").getCommand();
    assertThat(receiver.maxStoreBytes).isEqualTo(1_048_576L);

    // and zero is a user's mistake: one line, exit code 2
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("receiver", "--max-store-bytes=0")).isEqualTo(2);
    assertThat(err.toString()).contains("maxBytes must be positive, was 0").doesNotContain("\tat ");
  }

  @Test
  void badOptionsAreClearErrorsWithExitCode2() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("receiver", "--http-port=-5")).isEqualTo(2);
    assertThat(cli.execute("receiver", "--max-spans=0")).isEqualTo(2);
    assertThat(err.toString()).contains("-5").contains("0").doesNotContain("\tat ");
  }

  /**
   * Runs {@code shuttle receiver args...} to its end, with System.out (where it prints) captured.
   */
  private static String runReceiver(StringWriter err, int[] code, String... args) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      CommandLine cli = Main.commandLine();
      cli.setErr(new PrintWriter(err, true));
      String[] all = new String[args.length + 1];
      all[0] = "receiver";
      System.arraycopy(args, 0, all, 1, args.length);
      code[0] = cli.execute(all);
    } finally {
      System.setOut(originalOut);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theViewerIsOnByDefaultAndMinusOneTurnsItOff() {
    // given the receiver on free ports, with the viewer on a free port or off
    StringWriter err = new StringWriter();
    int[] code = new int[1];

    // when
    String withViewer =
        runReceiver(err, code, "--http-port=0", "--grpc-port=0", "--ui-port=0", "--for=PT0.1S");
    int withViewerCode = code[0];
    String without =
        runReceiver(err, code, "--http-port=0", "--grpc-port=0", "--ui-port=-1", "--for=PT0.1S");

    // then
    assertThat(withViewerCode).as(err.toString()).isZero();
    assertThat(withViewer).containsPattern("Viewer on http://127\\.0\\.0\\.1:\\d+\\R");
    assertThat(code[0]).as(err.toString()).isZero();
    assertThat(without).contains("OTLP/HTTP listening on").doesNotContain("Viewer on");
  }

  @Test
  void aTakenViewerPortIsOneLineAndExitCode2() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // when: the viewer's port is in use
      StringWriter err = new StringWriter();
      int[] code = new int[1];
      String printed =
          runReceiver(
              err,
              code,
              "--http-port=0",
              "--grpc-port=0",
              "--ui-port=" + taken.getLocalPort(),
              "--for=PT10S");

      // then: at once, before listening for OTLP
      assertThat(code[0]).isEqualTo(2);
      assertThat(err.toString().lines())
          .singleElement()
          .asString()
          .startsWith("The viewer ")
          .contains(Integer.toString(taken.getLocalPort()))
          .endsWith("; choose another --ui-port, 0 for any free port, or -1 for no viewer");
      assertThat(printed).doesNotContain("listening on");
    }
  }

  @Test
  void aViewerPortOutOfRangeIsAClearErrorWithExitCode2() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("receiver", "--ui-port=65536")).isEqualTo(2);
    assertThat(cli.execute("receiver", "--ui-port=-2")).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "--ui-port must be within [0, 65535] (0 for any free port), or -1 for no viewer, was"
                + " 65536")
        .contains("was -2")
        .doesNotContain("\tat ");
  }

  /** An application's tracing, exporting each span at once with the OTel OTLP/HTTP exporter. */
  private static SdkTracerProvider tracingTo(String endpoint) {
    return SdkTracerProvider.builder()
        .addSpanProcessor(
            SimpleSpanProcessor.create(
                OtlpHttpSpanExporter.builder().setEndpoint(endpoint + "/v1/traces").build()))
        .build();
  }

  /** A receiver run in this JVM, with System.out captured, stopped when the test says. */
  private static final class Run implements AutoCloseable {
    final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    final StringWriter err = new StringWriter();
    final CountDownLatch stop = new CountDownLatch(1);
    final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final PrintStream originalOut = System.out;

    Run(Terminal terminal, String... options) {
      CommandLine cli = Main.commandLine();
      cli.setErr(new PrintWriter(err, true));
      ReceiverCommand command = cli.getSubcommands().get("receiver").getCommand();
      command.runWait = (graceful, runFor) -> stop.await();
      command.terminal.detector = () -> terminal;
      String[] args = new String[options.length + 4];
      args[0] = "receiver";
      args[1] = "--http-port=0";
      args[2] = "--grpc-port=0";
      args[3] = "--ui-port=-1";
      System.arraycopy(options, 0, args, 4, options.length);
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      Thread.ofVirtual().start(() -> exit.complete(cli.execute(args)));
    }

    String endpoint() throws InterruptedException {
      assertThat(exit.isDone()).as("the receiver ended early: %s", err).isFalse();
      return awaitEndpoint(captured);
    }

    /** Stops the receiver and returns what it printed. */
    String stopped() throws Exception {
      stop.countDown();
      assertThat(exit.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();
      return printed();
    }

    String printed() {
      return captured.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      stop.countDown();
      System.setOut(originalOut);
    }
  }

  private static final Terminal PIPED = new Terminal(false, 120, false);

  @Test
  void printsTheMetricsAnApplicationSendsAsTheyChange() throws Exception {
    try (Run run = new Run(PIPED)) {
      // given: an application with the OTel SDK's OTLP/HTTP metric exporter
      try (SdkMeterProvider metrics =
          SdkMeterProvider.builder()
              .registerMetricReader(
                  PeriodicMetricReader.builder(
                          OtlpHttpMetricExporter.builder()
                              .setEndpoint(run.endpoint() + "/v1/metrics")
                              .build())
                      .setInterval(Duration.ofHours(1)) // exported on forceFlush only
                      .build())
              .build()) {
        LongCounter requests =
            metrics
                .get("shop")
                .counterBuilder("requests.count")
                .setUnit("{request}")
                .setDescription("Requests served.")
                .build();
        Attributes pay = Attributes.of(AttributeKey.stringKey("route"), "/pay");
        Attributes cart = Attributes.of(AttributeKey.stringKey("route"), "/cart");

        // when: it counts requests and exports, twice
        requests.add(1, pay);
        requests.add(5, cart);
        assertThat(metrics.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        String first = run.printed();
        requests.add(2, pay);
        assertThat(metrics.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        String second = run.printed();

        // then: the first export is printed at once, points in the SDK's order
        assertThat(first)
            .contains(
                """
                -- metrics
                service unknown_service:java
                  requests.count  sum monotonic cumulative  unit {request}  — Requests served.
                """)
            .contains("\n    {route=/pay} 1\n", "\n    {route=/cart} 5\n");
        // the second, less than 10 s later, waits
        assertThat(second).isEqualTo(first);
      }
      // and its change is printed when the receiver stops, the unchanged point not again
      String output = run.stopped();
      String[] blocks = output.split("-- metrics\n", -1);
      assertThat(blocks).hasSize(3); // what came before, the first block and the last
      assertThat(blocks[2])
          .startsWith("service unknown_service:java\n")
          .contains(
              """
                requests.count  sum monotonic cumulative  unit {request}  — Requests served.
                  {route=/pay} 3
              """)
          .doesNotContain("{route=/cart}")
          .contains("Received 0 spans (0 traces held, 0 evicted) and ");
    }
  }

  @Test
  void linesFitTheTerminalUnlessWide() throws Exception {
    String attribute = "x".repeat(90);
    for (String wide : new String[] {"", "--wide"}) {
      try (Run run =
          new Run(
              new Terminal(true, 80, false),
              "--color=never",
              wide.isEmpty() ? "--wide=false" : wide)) {
        // given: a span wider than the terminal
        try (SdkTracerProvider tracing = tracingTo(run.endpoint())) {
          tracing
              .get("app")
              .spanBuilder("checkout")
              .setAttribute("job.queue_wait_ns", 20_400_000L)
              .setAttribute("note", attribute)
              .startSpan()
              .end();
          assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        }

        // when
        String output = run.stopped();

        // then
        String spanLine =
            output.lines().filter(l -> l.startsWith("└─ checkout")).findFirst().orElseThrow();
        assertThat(spanLine).contains("{job.queue_wait_ns=20.4 ms, ");
        if (wide.isEmpty()) {
          assertThat(output.lines())
              .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
          assertThat(spanLine).endsWith("…}").doesNotContain("note=");
        } else {
          assertThat(spanLine).contains("note=" + "x".repeat(79) + "…}");
        }
        assertThat(output).doesNotContain("\u001B[");
      }
    }
  }

  @Test
  void colourIsOnOnATerminalAndOffWithNoColorOrWhenAskedNot() throws Exception {
    record Case(Terminal terminal, String option, boolean coloured) {}
    for (Case c :
        List.of(
            new Case(new Terminal(true, 120, false), "--color=auto", true),
            new Case(new Terminal(true, 120, true), "--color=auto", false), // NO_COLOR
            new Case(new Terminal(true, 120, false), "--color=never", false),
            new Case(PIPED, "--color=auto", false),
            new Case(PIPED, "--color", true))) {
      try (Run run = new Run(c.terminal(), c.option())) {
        try (SdkTracerProvider tracing = tracingTo(run.endpoint())) {
          tracing.get("app").spanBuilder("checkout").startSpan().end();
          assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        }
        String output = run.stopped();
        assertThat(output).as(c.toString()).contains("checkout");
        assertThat(output.contains("\u001B[1mcheckout\u001B[0m"))
            .as(c.toString())
            .isEqualTo(c.coloured());
      }
    }
  }

  @Test
  void aColourSettingThatIsNotOneIsAClearErrorWithExitCode2() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("receiver", "--color=sometimes")).isEqualTo(2);
    assertThat(err.toString())
        .contains("'sometimes' is not a colour setting; use auto, always or never")
        .doesNotContain("\tat ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--http-port", "--grpc-port"})
  void aTakenOtlpPortIsOneLineNamingItAndExitCode2(String option) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // when: an OTLP port is in use
      StringWriter err = new StringWriter();
      int[] code = new int[1];
      String other = option.equals("--http-port") ? "--grpc-port=0" : "--http-port=0";
      String printed =
          runReceiver(
              err, code, option + "=" + taken.getLocalPort(), other, "--ui-port=0", "--for=PT10S");

      // then: at once, one line that says what to do
      String server = option.equals("--http-port") ? "OTLP/HTTP" : "OTLP/gRPC";
      assertThat(code[0]).isEqualTo(2);
      assertThat(err.toString().lines())
          .singleElement()
          .asString()
          .isEqualTo(
              server
                  + " cannot listen on 127.0.0.1:"
                  + taken.getLocalPort()
                  + ": address already in use; choose another "
                  + option
                  + ", 0 for any free port, or -1 to turn it off (is another receiver or"
                  + " collector running?)");
      assertThat(printed).isEmpty();
    }
  }
}
