package dev.shuttle.receiver.render;

import static dev.shuttle.receiver.render.TraceRendererTest.TRACE;
import static dev.shuttle.receiver.render.TraceRendererTest.attribute;
import static dev.shuttle.receiver.render.TraceRendererTest.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.receiver.LiveExports;
import dev.shuttle.receiver.StoreLimits;
import dev.shuttle.receiver.TelemetryStore;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TracePrinterTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong nanos = new AtomicLong(0);
  private final TelemetryStore live =
      TelemetryStore.create(StoreLimits.defaults(), () -> Instant.ofEpochMilli(1_000_000));
  private final ByteArrayOutputStream printedBytes = new ByteArrayOutputStream();

  /** A plain printer on {@link #live} with the test's clock. */
  private void printRunning() {
    PrintStream out = new PrintStream(printedBytes, true, StandardCharsets.UTF_8);
    live.addListener(TracePrinter.create(live, out, TraceRenderer.plain(), nanos::get));
  }

  private String printed() {
    return printedBytes.toString(StandardCharsets.UTF_8);
  }

  private static io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest round(
      long round, String blockedOn, long blockedForNanos) {
    return LiveExports.export(
        LiveExports.resource("shop", "shop-1"),
        LiveExports.goroutine(round, 41)
            .name("shuttle-go-7")
            .blocked(blockedOn, "chan send", blockedForNanos)
            .in(TRACE, "0000000000000001")
            .build(),
        LiveExports.goroutine(round, 42).name("fetch-2").build(),
        LiveExports.snapshot(round, 2, 1, 1000));
  }

  @Test
  void aRoundIsPrintedAsABlockOfItsGoroutines() {
    // given
    printRunning();

    // when
    live.addLogs(round(1, "chan send on jobs (len 10, cap 10)", 2_100_000_000L));

    // then
    assertThat(printed())
        .isEqualTo(
            "running now  service shop (shop-1)  round 1  2 goroutines, 1 blocked\n"
                + "  #41  shuttle-go-7  blocked 2.10 s: chan send on jobs (len 10, cap 10)"
                + "  trace 5b8efff7\n"
                + "  #42  fetch-2  running\n");
  }

  @Test
  void aRoundsLinesFitTheWidthElidingWhatGoroutinesWaitOnFirst() {
    // given
    live.addLogs(round(1, "chan send on jobs (len 10, cap 10)", 2_100_000_000L));

    // when
    String block = TraceRenderer.plain().withWidth(60).renderRunning(live.runningNow().getFirst());

    // then
    assertThat(block)
        .isEqualTo(
            """
            running now  service shop…  round 1  2 goroutines, 1 blocked
              #41  shuttle-go-7  blocked 2.10 s: chan s…  trace 5b8efff7
              #42  fetch-2  running
            """);
  }

  @Test
  void aRoundThatChangesOnlyHowLongGoroutinesWaitIsNotPrintedAgain() {
    // given
    printRunning();
    live.addLogs(round(1, "chan send on jobs", SECOND));
    int before = printed().length();

    // when: the next round, seconds later, waits on the same
    nanos.addAndGet(10 * SECOND);
    live.addLogs(round(2, "chan send on jobs", 11 * SECOND));

    // then
    assertThat(printed()).hasSize(before);
  }

  @Test
  void aChangeIsPrintedAtMostOnceInAFewSecondsPerProcess() {
    // given: a block printed
    printRunning();
    live.addLogs(round(1, "chan send on jobs", SECOND));

    // when: a change a second later, then the same change after the throttle
    nanos.addAndGet(SECOND);
    live.addLogs(round(2, "select on jobs, quit", SECOND));
    String soon = printed();
    nanos.addAndGet(TracePrinter.RUNNING_EVERY.toNanos());
    live.addLogs(round(3, "select on jobs, quit", 2 * SECOND));

    // then: the change is printed once, after the throttle
    assertThat(soon).doesNotContain("select");
    assertThat(printed().lines().filter(l -> l.startsWith("running now"))).hasSize(2);
    assertThat(printed()).contains("round 3").contains("blocked 2.00 s: select on jobs, quit");
  }

  @Test
  void aHostileRoundIsPrintedEscaped() {
    // given
    printRunning();
    String hostile = "\u001B]0;pwned\u0007\u001B[2J\nrunning now  forged\u202E";

    // when
    live.addLogs(
        LiveExports.export(
            LiveExports.resource(hostile, hostile),
            LiveExports.goroutine(1, 1).name(hostile).blocked(hostile, hostile, SECOND).build(),
            LiveExports.snapshot(1, 1, 1, 1000)));

    // then
    assertThat(printed().lines()).hasSize(2);
    HostileStrings.assertTerminalSafe(printed());
  }

  @Test
  void aTracePrintedWhileGoroutinesStillRunInItMarksTheirSpans() {
    // given: a goroutine blocked under its own span, child of the trace's root, and a printer
    printRunning();
    live.addLogs(
        LiveExports.export(
            LiveExports.resource("shop", "shop-1"),
            LiveExports.goroutine(1, 41)
                .name("shuttle-go-7")
                .blocked("chan send on jobs", "chan send", 2 * SECOND)
                .ownSpan(TRACE, "00000000000000aa", "resize", "0000000000000001")
                .build(),
            LiveExports.snapshot(1, 1, 1, 1000)));
    int before = printed().length();

    // when: the trace's root ends and arrives
    live.addTraces(
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder().addAttributes(attribute("service.name", "shop")))
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .addSpans(
                                Span.newBuilder()
                                    .setTraceId(id(TRACE))
                                    .setSpanId(id("0000000000000001"))
                                    .setName("checkout")
                                    .setStartTimeUnixNano(1_000)
                                    .setEndTimeUnixNano(2_000))))
            .build());

    // then: the root is marked, with a line for the goroutine under it
    assertThat(printed().substring(before))
        .contains("└─ checkout  1.0 µs  ▶ 1 goroutine still running\n")
        .contains(
            "      ▶ still running: span resize in goroutine #41 shuttle-go-7  blocked 2.00 s:"
                + " chan send on jobs\n");
  }

  @Test
  void printsAHostileTraceFromTheStoreEscaped() {
    // given: a printer with colour, listening to a store
    TelemetryStore store = TelemetryStore.create();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    store.addListener(TracePrinter.create(store, out, TraceRenderer.create(true)));
    String hostile = "\u001B]0;pwned\u0007\u001B[2J\n└─ forged  1.0 ms  OK\u202E";
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder().addAttributes(attribute("service.name", hostile)))
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .setScope(InstrumentationScope.newBuilder().setName(hostile))
                            .addSpans(
                                Span.newBuilder()
                                    .setTraceId(id(TRACE))
                                    .setSpanId(id("0000000000000001"))
                                    .setName(hostile)
                                    .setStartTimeUnixNano(1_000)
                                    .setEndTimeUnixNano(2_000)
                                    .addAttributes(attribute(hostile, hostile)))))
            .build();

    // when
    store.addTraces(request);

    // then: the header and one span line, nothing forged, nothing raw
    String printed = bytes.toString(StandardCharsets.UTF_8);
    String escaped = "\\u001b]0;pwned\\u0007\\u001b[2J\\n└─ forged  1.0 ms  OK\\u202e";
    assertThat(printed.lines()).hasSize(2);
    assertThat(printed)
        .contains("  service " + escaped + "  1 span")
        .contains("└─ \u001B[1m" + escaped + "\u001B[0m  1.0 µs")
        .contains("\u001B[2m{" + escaped + "=" + escaped + "}\u001B[0m");
    HostileStrings.assertTerminalSafe(printed);
  }
}
