package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
class ViewCommandTest {
  /** One span of one trace, as OTLP/JSON with hex ids (as the dumps write them). */
  private static final String ONE_SPAN =
      """
      {"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "shop"}}]},
        "scopeSpans": [{"scope": {"name": "app"}, "spans": [{
          "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
          "name": "checkout", "kind": 1,
          "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000250000000"
        }]}]
      }]}
      """;

  private static final Pattern VIEWER_ON =
      Pattern.compile("Viewer on (http://127\\.0\\.0\\.1:\\d+)\\R");

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int view(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "view";
    System.arraycopy(args, 0, all, 1, args.length);
    return cli.execute(all);
  }

  /** Asserts exit code 2 and one line on stderr that says {@code line}, nothing on stdout. */
  private void assertOneLineError(int code, String line) {
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines()).containsExactly(line);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void showsTheFilesTracesUntilItsTimeIsUp(@TempDir Path dir) throws Exception {
    // given: a file with one trace
    Path file = dir.resolve("one.json");
    Files.writeString(file, ONE_SPAN);

    // when: the viewer shows it for a while, and a browser asks for the traces meanwhile
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(() -> exit.complete(view(file.toString(), "--ui-port", "0", "--for", "PT3S")));
    String viewer = awaitViewer();
    String traces;
    try (HttpClient http = HttpClient.newHttpClient()) {
      traces =
          http.send(
                  HttpRequest.newBuilder(URI.create(viewer + "/api/traces")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    }

    // then
    assertThat(exit.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("Loaded 1 span in 1 trace, 0 metric data points and 0 log records from " + file);
    assertThat(traces)
        .containsPattern("\"rootName\"\\s*:\\s*\"checkout\"")
        .containsPattern("\"total\"\\s*:\\s*1\\b");
  }

  private String awaitViewer() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Matcher m = VIEWER_ON.matcher(out.toString());
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("view never said where its viewer is: " + out + err);
  }

  @Test
  void aMissingFileIsOneLineAndExitCode2(@TempDir Path dir) {
    Path missing = dir.resolve("missing.json");
    assertOneLineError(view(missing.toString(), "--ui-port", "0"), "no such file: " + missing);
  }

  @Test
  void aDirectoryIsOneLineAndExitCode2(@TempDir Path dir) {
    assertOneLineError(
        view(dir.toString(), "--ui-port", "0"), dir + " is a directory; give an OTLP/JSON file");
  }

  @Test
  void aFileThatIsNotOtlpJsonIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "hello, not JSON");
    assertThat(view(text.toString(), "--ui-port", "0")).isEqualTo(2);
    Path wrongShape = dir.resolve("wrong.json");
    Files.writeString(wrongShape, "{\"resourceSpans\": 5}");
    assertThat(view(wrongShape.toString(), "--ui-port", "0")).isEqualTo(2);
    Path binary = dir.resolve("binary.json");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0});
    assertThat(view(binary.toString(), "--ui-port", "0")).isEqualTo(2);

    assertThat(err.toString().lines())
        .satisfiesExactly(
            line -> assertThat(line).startsWith(text + " is not OTLP/JSON: "),
            line -> assertThat(line).startsWith(wrongShape + " is not OTLP/JSON: "),
            line -> assertThat(line).startsWith(binary + " is not OTLP/JSON: "));
    assertThat(err.toString()).doesNotContain("\tat ");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void anEmptyDumpIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
    Path empty = dir.resolve("empty.json");
    Files.writeString(empty, "{}");
    assertOneLineError(
        view(empty.toString(), "--ui-port", "0"),
        empty + " holds no resourceSpans, resourceMetrics or resourceLogs: nothing to show");
  }

  @Test
  void aTakenViewerPortIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("one.json");
    Files.writeString(file, ONE_SPAN);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int code = view(file.toString(), "--ui-port", Integer.toString(taken.getLocalPort()));
      assertThat(code).isEqualTo(2);
      assertThat(err.toString().lines())
          .singleElement()
          .asString()
          .startsWith("The viewer ")
          .contains(Integer.toString(taken.getLocalPort()))
          .endsWith("; choose another --ui-port, or 0 for any free port");
      assertThat(out.toString()).doesNotContain("Viewer on");
    }
  }

  @Test
  void aViewerPortOutOfRangeIsAClearErrorWithExitCode2(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("one.json");
    Files.writeString(file, ONE_SPAN);
    assertThat(view(file.toString(), "--ui-port", "65536")).isEqualTo(2);
    assertThat(view(file.toString(), "--ui-port", "-1")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--ui-port must be within [0, 65535] (0 for any free port), was 65536")
        .contains("was -1")
        .doesNotContain("\tat ");
  }

  @Test
  void aDurationThatIsNotPositiveIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("one.json");
    Files.writeString(file, ONE_SPAN);
    assertOneLineError(
        view(file.toString(), "--for", "PT-5S"), "--for must be positive, was PT-5S");
  }

  @Test
  void aDurationInGoNotationIsRead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("one.json");
    Files.writeString(file, ONE_SPAN);
    assertThat(view(file.toString(), "--ui-port", "0", "--for", "0.1s")).isZero();
    assertThat(out.toString()).contains("Loaded 1 span in 1 trace");
  }
}
