package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.Go;
import dev.shuttle.Goroutine;
import dev.shuttle.channel.Channel;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.demo.scenario.Scenario;
import dev.shuttle.receiver.OtlpDump;
import dev.shuttle.receiver.OtlpJson;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.sdk.OpenTelemetrySdk;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(60)
class DemoCommandTest {
  private static final Pattern HEX_TRACE_ID = Pattern.compile("\"traceId\": ?\"[0-9a-f]{32}\"");

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(DemoCommand demo, String... args) {
    CommandLine cli = Main.configure(new CommandLine(demo));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /** A scenario with one span, that fails when told to. */
  private static Scenario scenario(String name, boolean fails) {
    return new Scenario() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return "test scenario " + name;
      }

      @Override
      public void run(OpenTelemetry openTelemetry) {
        openTelemetry.getTracer("test").spanBuilder(name + "-span").startSpan().end();
        if (fails) {
          throw new IllegalStateException(name + " broke");
        }
      }
    };
  }

  @Test
  void listNamesEveryScenario() {
    int code = run(new DemoCommand(), "--list");
    assertThat(code).isZero();
    assertThat(out.toString().lines().map(line -> line.split(" ", 2)[0]))
        .containsExactly(
            "goroutines",
            "bounded-pool",
            "dynamic-pool",
            "channel",
            "pipeline",
            "select",
            "worker-pool",
            "fan-out-fan-in",
            "metrics",
            "timeout-cancel",
            "best-practices",
            "once",
            "context-cause",
            "atomic-metrics",
            "deadlock",
            "distributed");
    assertThat(out.toString()).contains("(not in 'all')");
  }

  @Test
  void allLeavesOutAScenarioThatIsNotInAllAndNamingItChecksWhatItNeedsFirst() {
    Scenario needsServer =
        new Scenario() {
          @Override
          public String name() {
            return "needs-server";
          }

          @Override
          public String description() {
            return "needs a server this machine lacks";
          }

          @Override
          public boolean inAll() {
            return false;
          }

          @Override
          public java.util.Optional<String> missing() {
            return java.util.Optional.of("needs-server needs a server: install it");
          }

          @Override
          public void run(OpenTelemetry openTelemetry) {
            throw new AssertionError("must not run");
          }
        };

    assertThat(run(new DemoCommand(List.of(scenario("one", false), needsServer)), "--quiet"))
        .isZero();
    assertThat(out.toString()).contains("1 scenario, 0 failed");

    assertThat(
            run(
                new DemoCommand(List.of(scenario("one", false), needsServer)),
                "--scenario",
                "one",
                "--scenario",
                "needs-server"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("needs-server needs a server: install it");
    assertThat(out.toString()).doesNotContain("one-span");
  }

  @Test
  void printsEachScenariosTraceTreeAfterExportingOverOtlp() {
    int code = run(new DemoCommand(List.of(scenario("one", false), scenario("two", false))));
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("embedded receiver at http://127.0.0.1:")
        .contains("== one: test scenario one", "one-span")
        .contains("== two: test scenario two", "two-span")
        .contains("2 scenarios, 0 failed; 2 traces, 2 spans received over OTLP");
    assertThat(err.toString()).as("every span ended arrived").doesNotContain("FAILED");
  }

  @Test
  void everySpanAScenarioEndsOnOtherThreadsArrivesBeforeItsTreeIsPrinted() {
    // given: a scenario that ends 40 spans on 8 threads, and a second scenario after it
    Scenario spread =
        new Scenario() {
          @Override
          public String name() {
            return "spread";
          }

          @Override
          public String description() {
            return "40 spans ended on 8 threads";
          }

          @Override
          public void run(OpenTelemetry openTelemetry) throws Exception {
            var tracer = openTelemetry.getTracer("test");
            try (var threads = java.util.concurrent.Executors.newFixedThreadPool(8)) {
              for (int i = 0; i < 40; i++) {
                threads.submit(() -> tracer.spanBuilder("spread-span").startSpan().end());
              }
            }
          }
        };

    // when
    int code = run(new DemoCommand(List.of(spread, scenario("after", false))), "--quiet");

    // then: the receiver holds exactly the 41 spans the SDK ended, and no scenario is blamed
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("2 scenarios, 0 failed; 41 traces, 41 spans received");
    assertThat(err.toString()).doesNotContain("FAILED", "did not arrive");
  }

  @Test
  void printsObservableMetricsThatAScenarioExportedAndClosed() {
    Scenario closing =
        new Scenario() {
          @Override
          public String name() {
            return "closing";
          }

          @Override
          public String description() {
            return "exports an observable counter, then closes it";
          }

          @Override
          public void run(OpenTelemetry openTelemetry) {
            try (var counter =
                openTelemetry
                    .getMeter("test")
                    .counterBuilder("closing.requests")
                    .buildWithCallback(m -> m.record(42))) {
              ((OpenTelemetrySdk) openTelemetry)
                  .getSdkMeterProvider()
                  .forceFlush()
                  .join(10, TimeUnit.SECONDS);
            }
          }
        };
    int code = run(new DemoCommand(List.of(closing, scenario("after", false))));
    assertThat(code).isZero();
    String printed = out.toString();
    assertThat(printed).contains("closing.requests");
    assertThat(printed.substring(printed.indexOf("== closing"), printed.indexOf("== after")))
        .contains("closing.requests", "42");
    assertThat(printed.substring(printed.indexOf("== after"))).doesNotContain("closing.requests");
  }

  @Test
  void aFailingScenarioMakesTheExitCodeNonZeroAndSaysWhy() {
    int code =
        run(new DemoCommand(List.of(scenario("fine", false), scenario("broken", true))), "--quiet");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("FAILED broken: java.lang.IllegalStateException: broken broke");
    assertThat(out.toString()).contains("2 scenarios, 1 failed").doesNotContain("fine-span");
  }

  @Test
  void runsOnlyTheChosenScenariosOverHttpProtobuf() {
    int code =
        run(
            new DemoCommand(List.of(scenario("a", false), scenario("b", false))),
            "--scenario",
            "b",
            "--protocol",
            "http/protobuf");
    assertThat(code).isZero();
    assertThat(out.toString()).contains("b-span").doesNotContain("a-span");
  }

  @Test
  void dumpWritesOtlpJsonWithHexIds(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("dump.json");
    int code = run(new DemoCommand(List.of(scenario("dumped", false))), "--dump", file.toString());
    assertThat(code).isZero();
    String json = Files.readString(file);
    assertThat(json).startsWith("{").contains("\"resourceSpans\"");
    assertThat(HEX_TRACE_ID.matcher(json).find()).as("hex trace ids in %s", json).isTrue();
    OtlpDump dump = OtlpJson.readDump(file);
    List<String> names =
        dump.traces().getResourceSpansList().stream()
            .map(ResourceSpans::getScopeSpansList)
            .flatMap(List::stream)
            .flatMap(s -> s.getSpansList().stream())
            .map(s -> s.getName())
            .toList();
    assertThat(names).containsExactly("dumped-span");
  }

  @Test
  void badInputIsAClearErrorWithExitCode2() {
    assertThat(run(new DemoCommand(), "--scenario", "nope")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown scenario 'nope'; choose from: all, goroutines");
    assertThat(run(new DemoCommand(), "--protocol", "carrier-pigeon")).isEqualTo(2);
    assertThat(err.toString()).contains("'carrier-pigeon' is not an OTLP protocol");
    assertThat(run(new DemoCommand(), "--endpoint", "http://127.0.0.1:1", "--dump", "x.json"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--dump needs the embedded receiver");
  }

  @Test
  void aMalformedEndpointIsOneLineAndExitCode2() {
    // when
    int code = run(new DemoCommand(List.of(scenario("ran", false))), "--endpoint", "foo");

    // then
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "--endpoint 'foo' is not an OTLP endpoint URL: it needs a scheme, as in http://foo");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void anEndpointWhereNothingListensStopsTheDemoBeforeAnyScenario() throws Exception {
    // given: a loopback port nobody listens on
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closed;

    // when
    int code = run(new DemoCommand(List.of(scenario("ran", false))), "--endpoint", url);

    // then
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "nothing answers at "
                + url
                + " (connection refused); start a collector there, such as `./shuttle receiver`"
                + " (OTLP on 4317 and 4318), or check --endpoint");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void theDemoStopsAtTheFirstFailedExportWithOneLineAndExitCode2() throws Exception {
    // given: an endpoint that accepts connections and closes them at once
    try (RudeEndpoint rude = new RudeEndpoint()) {
      String url = rude.url();

      // when
      int code =
          run(
              new DemoCommand(List.of(scenario("first", false), scenario("second", false))),
              "--endpoint",
              url,
              "--protocol",
              "http/protobuf");

      // then: the first scenario ran, its export failed, and the second never started
      assertThat(code).isEqualTo(2);
      assertThat(out.toString()).contains("== first:").doesNotContain("== second:");
      assertThat(err.toString().lines())
          .containsExactly(
              "the OTLP export to "
                  + url
                  + " failed, so the demo stopped; check that a collector listens there for"
                  + " OTLP over http/protobuf (--endpoint, --protocol)");
    }
  }

  @Test
  void aDumpFileThatCannotBeWrittenIsFoundBeforeAnyScenarioRuns(@TempDir Path dir) {
    // when: the dump's directory does not exist
    Path missing = dir.resolve("no-such-dir").resolve("x.json");
    int code = run(new DemoCommand(List.of(scenario("ran", false))), "--dump", missing.toString());

    // then
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "--dump "
                + missing
                + ": there is no directory "
                + missing.getParent()
                + "; create it or choose another file");
    assertThat(out.toString()).doesNotContain("ran-span").doesNotContain("Exporting");
  }

  @Test
  void wrongOpenTelemetrySettingsAreOneLineAndExitCode2() {
    System.setProperty("otel.traces.sampler", "bogus");
    try {
      int code = run(new DemoCommand(List.of(scenario("ran", false))));

      assertThat(code).isEqualTo(2);
      assertThat(err.toString().lines())
          .containsExactly(
              "OpenTelemetry's settings (OTEL_* variables, otel.* properties) are wrong:"
                  + " Unrecognized value for otel.traces.sampler: bogus");
    } finally {
      System.clearProperty("otel.traces.sampler");
    }
  }

  @Test
  void uiOptionsAreCheckedBeforeAnyScenarioRuns() {
    // --ui-port without --ui
    DemoCommand demo = new DemoCommand(List.of(scenario("ran", false)));
    assertThat(run(demo, "--ui-port", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--ui-port needs --ui");

    // a port out of range
    assertThat(run(new DemoCommand(List.of(scenario("ran", false))), "--ui", "--ui-port", "65536"))
        .isEqualTo(2);
    assertThat(run(new DemoCommand(List.of(scenario("ran", false))), "--ui", "--ui-port", "-1"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--ui-port must be within [0, 65535] (0 for any free port), was 65536")
        .contains("--ui-port must be within [0, 65535] (0 for any free port), was -1");

    // --ui with an external endpoint, which the viewer cannot read
    assertThat(
            run(
                new DemoCommand(List.of(scenario("ran", false))),
                "--ui",
                "--endpoint",
                "http://127.0.0.1:1"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--ui needs the embedded receiver, but spans go to http://127.0.0.1:1; drop")
        .doesNotContain("\tat ");
    assertThat(out.toString()).doesNotContain("ran-span");
  }

  @Test
  void aTakenViewerPortIsOneLineAndExitCode2BeforeTheScenariosRun() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // when: the viewer's port is in use
      int code =
          run(
              new DemoCommand(List.of(scenario("ran", false))),
              "--ui",
              "--ui-port",
              Integer.toString(taken.getLocalPort()));

      // then
      assertThat(code).isEqualTo(2);
      assertThat(err.toString().lines())
          .singleElement()
          .asString()
          .startsWith("The viewer ")
          .contains(Integer.toString(taken.getLocalPort()))
          .endsWith("; choose another --ui-port, or 0 for any free port");
      assertThat(out.toString()).doesNotContain("ran-span").doesNotContain(" failed; ");
    }
  }

  @Test
  void withUiTheViewerServesTheScenariosTracesUntilStopped() {
    // given: a demo whose wait for Ctrl-C asks the viewer for its traces instead
    AtomicReference<String> listed = new AtomicReference<>();
    DemoCommand demo =
        new DemoCommand(
            List.of(scenario("shown", false)),
            (stop, viewer) -> {
              try (HttpClient http = HttpClient.newHttpClient()) {
                listed.set(
                    http.send(
                            HttpRequest.newBuilder(URI.create(viewer.url() + "/api/traces"))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body());
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });

    // when
    int code = run(demo, "--ui", "--ui-port", "0");

    // then: the viewer's address, each trace's deep link, and the trace in the viewer
    assertThat(code).isZero();
    String printed = out.toString();
    assertThat(printed)
        .containsPattern("Viewer on http://127\\.0\\.0\\.1:\\d+\\R")
        .containsPattern("trace http://127\\.0\\.0\\.1:\\d+/trace/[0-9a-f]{32} ")
        .containsPattern("Viewer on http://127\\.0\\.0\\.1:\\d+ - press Ctrl-C to stop");
    assertThat(listed.get())
        .containsPattern("\"rootName\"\\s*:\\s*\"shown-span\"")
        .containsPattern("\"total\"\\s*:\\s*1\\b");
  }

  @Test
  void theDeadlockScenarioPrintsTheGoroutineDumpUnderItsHeaderBeforeItsTrace() {
    // when
    int code = run(new DemoCommand(), "--scenario", "deadlock");

    // then: header, then the dump taken while both goroutines were blocked, then the trace tree
    assertThat(code).as(err.toString()).isZero();
    String printed = out.toString();
    int header = printed.indexOf("== deadlock: ");
    int dump = printed.indexOf("Shuttle goroutines at ");
    int tree = printed.indexOf("└─ deadlocked-request");
    assertThat(header).isNotNegative().isLessThan(dump);
    assertThat(dump).isLessThan(tree);
    String dumpText = printed.substring(dump, tree);
    assertThat(dumpText)
        .contains("2 goroutines, 2 blocked")
        .contains("chan send on a-to-b (len 0, cap 0)")
        .contains("chan send on b-to-a (len 0, cap 0)")
        .contains("\"goroutine-a\"", "\"goroutine-b\"");
    Matcher traced = Pattern.compile("trace ([0-9a-f]{32}) span").matcher(dumpText);
    assertThat(traced.find()).as(dumpText).isTrue();
    String traceId = traced.group(1);
    assertThat(dumpText.lines().filter(line -> line.startsWith("    trace " + traceId)))
        .as("both goroutines in the request's trace")
        .hasSize(2);
    assertThat(printed.substring(tree))
        .contains("context deadline exceeded")
        .contains("goroutine-a", "goroutine-b");
    assertThat(printed).contains("trace " + traceId + "  service shuttle-demo  3 spans");
    assertThat(printed).contains("1 scenario, 0 failed; 1 trace, 3 spans received over OTLP");
  }

  @Test
  void withUiTheRunningGoroutinesAreExportedLive() {
    // given: a scenario whose goroutine waits on a channel for 2.5 s, past two export rounds
    Scenario waiting =
        new Scenario() {
          @Override
          public String name() {
            return "waiting";
          }

          @Override
          public String description() {
            return "a goroutine that waits until its timeout";
          }

          @Override
          public void run(OpenTelemetry openTelemetry) throws Exception {
            try (CancelableContext timed =
                Contexts.withTimeout(Context.current(), Duration.ofMillis(2500))) {
              Channel<String> never = Channel.builder().name("never").build();
              Goroutine<String> job =
                  Go.start(timed.context(), "waiting-job", Attributes.empty(), never::receive);
              assertThatThrownBy(job::join).isInstanceOf(ContextDoneException.class);
            }
          }
        };
    List<String> running = new java.util.ArrayList<>();
    DemoCommand demo =
        new DemoCommand(
            List.of(waiting),
            (stop, viewer) ->
                viewer.store().resourceLogs().stream()
                    .flatMap(r -> r.getScopeLogsList().stream())
                    .flatMap(s -> s.getLogRecordsList().stream())
                    .filter(r -> r.getEventName().equals("shuttle.goroutine.running"))
                    .forEach(r -> running.add(r.getBody().getStringValue())));

    // when
    int code = run(demo, "--quiet", "--ui", "--ui-port", "0");

    // then
    assertThat(code).as(err.toString()).isZero();
    assertThat(running).anySatisfy(body -> assertThat(body).contains("chan receive on never"));
  }

  @Test
  void helpDescribesEveryCommandAndOption() {
    CommandLine cli = Main.commandLine();
    StringWriter help = new StringWriter();
    cli.setOut(new PrintWriter(help, true));
    assertThat(cli.execute("--help")).isZero();
    assertThat(cli.execute("demo", "--help")).isZero();
    assertThat(cli.execute("receiver", "--help")).isZero();
    assertThat(cli.execute("view", "--help")).isZero();
    assertThat(cli.execute("goroutines", "--help")).isZero();
    assertThat(help.toString())
        .contains("demo", "receiver")
        .contains("--scenario", "--list", "--dump", "--quiet", "--protocol", "--endpoint", "--ui")
        .contains("--http-port", "--grpc-port", "--bind", "--max-spans", "--for", "--ui-port")
        .contains("Shows an OTLP/JSON file in the web viewer")
        .contains("Prints what the Shuttle goroutines of a running JVM are doing now", "--json")
        .contains("--timeout")
        .contains("Durations in options: 200ms, 5s, 1.5m, 1h, 1m30s or ISO-8601 (PT5S)");
  }
}
