package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
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
      try (SdkTracerProvider tracing =
          SdkTracerProvider.builder()
              .addSpanProcessor(
                  SimpleSpanProcessor.create(
                      OtlpHttpSpanExporter.builder().setEndpoint(endpoint + "/v1/traces").build()))
              .build()) {
        tracing.get("app").spanBuilder("checkout").startSpan().end();
        assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      }

      // then
      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    } finally {
      System.setOut(originalOut);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    assertThat(output).contains("checkout").contains("Received 1 spans");
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
}
