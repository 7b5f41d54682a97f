package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code shuttle receiver --dump FILE} stopped by Ctrl-C (SIGINT) or SIGTERM, in a child JVM as a
 * user runs it: it answers what is in flight, prints its whole summary, writes the dump, and exits
 * 0.
 */
@Timeout(120)
class ReceiverSignalTest {
  private static final Pattern HTTP_ENDPOINT =
      Pattern.compile("OTLP/HTTP listening on (http://127\\.0\\.0\\.1:\\d+)");

  @ParameterizedTest(name = "SIG{0}")
  @ValueSource(strings = {"INT", "TERM"})
  void aSignalWritesTheDumpAndTheSummaryThenExitsZero(String signal, @TempDir Path dir)
      throws Exception {
    // given: the receiver in a child JVM, and an application that sent it three spans
    Path dump = dir.resolve("received.json");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "receiver",
                    "--http-port=0",
                    "--grpc-port=0",
                    "--dump=" + dump))
            .redirectErrorStream(true)
            .start();
    StringBuilder output = new StringBuilder();
    CompletableFuture<String> endpoint = new CompletableFuture<>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader lines =
                      new BufferedReader(
                          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                      synchronized (output) {
                        output.append(line).append('\n');
                      }
                      Matcher m = HTTP_ENDPOINT.matcher(line);
                      if (m.find()) {
                        endpoint.complete(m.group(1));
                      }
                    }
                  } catch (java.io.IOException e) {
                    endpoint.completeExceptionally(e);
                  }
                });
    try (SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .addSpanProcessor(
                SimpleSpanProcessor.create(
                    OtlpHttpSpanExporter.builder()
                        .setEndpoint(endpoint.get(60, TimeUnit.SECONDS) + "/v1/traces")
                        .build()))
            .build()) {
      for (String name : List.of("checkout", "charge", "ship")) {
        tracing.get("app").spanBuilder(name).startSpan().end();
      }
      assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    // when
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();

    // then
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the receiver ended").isTrue();
    reader.join();
    String printed;
    synchronized (output) {
      printed = output.toString();
    }
    assertThat(child.exitValue()).as(printed).isZero();
    assertThat(printed)
        .contains("Received 3 spans (3 traces held, 0 evicted)")
        .contains("Wrote everything received, as OTLP/JSON, to " + dump);
    assertThat(Files.readString(dump))
        .contains("\"name\": \"checkout\"", "\"name\": \"charge\"", "\"name\": \"ship\"");
  }
}
