package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
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
}
