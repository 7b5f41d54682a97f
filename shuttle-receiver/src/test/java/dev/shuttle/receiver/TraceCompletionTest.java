package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.otel.ShuttleOtel;
import dev.shuttle.receiver.render.TracePrinter;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.SpanFlags;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When a trace counts as complete and is printed: at its root span, or at the earliest span of a
 * trace whose parent is remote and not in the store (a service called by another).
 *
 * <p>The span flags' remote-parent bits are those of {@code trace.proto} ({@code SpanFlags}, OTLP
 * 1.1); the end-to-end test checks that the OpenTelemetry Java SDK sets them.
 */
class TraceCompletionTest {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final String REMOTE_PARENT = "00f067aa0ba902b7";
  private static final int LOCAL_PARENT = SpanFlags.SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK_VALUE;
  private static final int REMOTE_PARENT_FLAGS =
      SpanFlags.SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK_VALUE
          | SpanFlags.SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK_VALUE;

  private final TelemetryStore store = TelemetryStore.create();

  @Test
  void aRootSpanCompletesItsTrace() {
    assertThat(add(span("00000000000000aa", "", Span.SpanKind.SPAN_KIND_INTERNAL, 0, 100)))
        .containsExactly(TRACE);
  }

  @Test
  void theEarliestSpanWithARemoteParentCompletesItsTrace() {
    // given the children, which end first and arrive first: their parent is local
    assertThat(
            add(
                span(
                    "00000000000000bb",
                    "00000000000000aa",
                    Span.SpanKind.SPAN_KIND_CLIENT,
                    LOCAL_PARENT,
                    110),
                span(
                    "00000000000000cc",
                    "00000000000000aa",
                    Span.SpanKind.SPAN_KIND_INTERNAL,
                    LOCAL_PARENT,
                    120)))
        .isEmpty();

    // when the service's entry span arrives: its parent is in the calling service
    Set<String> completed =
        add(
            span(
                "00000000000000aa",
                REMOTE_PARENT,
                Span.SpanKind.SPAN_KIND_SERVER,
                REMOTE_PARENT_FLAGS,
                100));

    // then the trace is complete
    assertThat(completed).containsExactly(TRACE);
  }

  @Test
  void theFlagsDecideOverTheKind() {
    // an internal span that says its parent is remote completes its trace
    assertThat(
            add(
                span(
                    "00000000000000aa",
                    REMOTE_PARENT,
                    Span.SpanKind.SPAN_KIND_INTERNAL,
                    REMOTE_PARENT_FLAGS,
                    100)))
        .containsExactly(TRACE);
    store.clear();
    // a server span that says its parent is local waits for it
    assertThat(
            add(
                span(
                    "00000000000000aa",
                    REMOTE_PARENT,
                    Span.SpanKind.SPAN_KIND_SERVER,
                    LOCAL_PARENT,
                    100)))
        .isEmpty();
  }

  @Test
  void withoutFlagsAServerOrConsumerSpanCountsAsEnteredByARemoteCaller() {
    assertThat(add(span("00000000000000aa", REMOTE_PARENT, Span.SpanKind.SPAN_KIND_SERVER, 0, 100)))
        .containsExactly(TRACE);
    store.clear();
    assertThat(
            add(span("00000000000000aa", REMOTE_PARENT, Span.SpanKind.SPAN_KIND_CONSUMER, 0, 100)))
        .containsExactly(TRACE);
  }

  @Test
  void withoutFlagsAnOtherSpanWithAMissingParentWaitsForIt() {
    // a child exported before its parent, by an SDK older than OTLP 1.1
    assertThat(
            add(
                span(
                    "00000000000000bb",
                    "00000000000000aa",
                    Span.SpanKind.SPAN_KIND_INTERNAL,
                    0,
                    110)))
        .isEmpty();
    assertThat(
            add(
                span(
                    "00000000000000cc",
                    "00000000000000aa",
                    Span.SpanKind.SPAN_KIND_CLIENT,
                    0,
                    120)))
        .isEmpty();
  }

  @Test
  void aRemoteChildThatIsNotTheEarliestSpanDoesNotComplete() {
    // given a span of the trace that started earlier, in a service whose root is still running
    add(
        span(
            "00000000000000bb",
            "00000000000000aa",
            Span.SpanKind.SPAN_KIND_CLIENT,
            LOCAL_PARENT,
            50));

    // when a called service's entry span arrives
    Set<String> completed =
        add(
            span(
                "00000000000000dd",
                "00000000000000ee",
                Span.SpanKind.SPAN_KIND_SERVER,
                REMOTE_PARENT_FLAGS,
                60));

    // then the trace waits for its earliest span's root
    assertThat(completed).isEmpty();
  }

  @Test
  void aSpanWhoseParentIsStoredDoesNotCompleteAgain() {
    add(
        span(
            "00000000000000aa",
            REMOTE_PARENT,
            Span.SpanKind.SPAN_KIND_SERVER,
            REMOTE_PARENT_FLAGS,
            100));

    assertThat(
            add(
                span(
                    "00000000000000bb",
                    "00000000000000aa",
                    Span.SpanKind.SPAN_KIND_SERVER,
                    REMOTE_PARENT_FLAGS,
                    150)))
        .isEmpty();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void printTracesPrintsATraceWhoseRootHasARemoteParent() throws Exception {
    try (OtlpReceiver receiver =
            OtlpReceiver.start(
                ReceiverConfig.builder().httpPort(ReceiverConfig.DISABLED).grpcPort(0).build());
        ShuttleOtel otel =
            ShuttleOtel.builder()
                .serviceName("called")
                .endpoint(receiver.grpcEndpoint())
                .protocol(OtlpProtocol.GRPC)
                .sampler("parentbased_always_on")
                .batchScheduleDelay(Duration.ofHours(1))
                .start()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      TracePrinter.printTraces(
          receiver.store(), new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
      Tracer tracer = otel.sdk().getTracer("test");
      // given a request from another service: its span context arrives in a header
      Context caller =
          Context.root()
              .with(
                  io.opentelemetry.api.trace.Span.wrap(
                      SpanContext.createFromRemoteParent(
                          TRACE, REMOTE_PARENT, TraceFlags.getSampled(), TraceState.getDefault())));
      io.opentelemetry.api.trace.Span server =
          tracer.spanBuilder("handle").setParent(caller).setSpanKind(SpanKind.SERVER).startSpan();
      // and a child span exported on its own, before the server span ends
      tracer.spanBuilder("query").setParent(Context.root().with(server)).startSpan().end();
      assertThat(otel.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(receiver.store().awaitSpans(1, Duration.ofSeconds(10))).isTrue();
      assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();

      // when the server span ends and is exported
      server.end();
      assertThat(otel.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(receiver.store().awaitSpans(2, Duration.ofSeconds(10))).isTrue();

      // then the whole trace is printed, once
      String printed = bytes.toString(StandardCharsets.UTF_8);
      assertThat(printed).startsWith("trace " + TRACE).contains("2 spans").contains("handle");
      assertThat(printed).contains("query");
      assertThat(printed.split("trace " + TRACE, -1)).hasSize(2);
      StoredSpan stored = receiver.store().spansByName("handle").getFirst();
      assertThat(stored.span().getFlags() & REMOTE_PARENT_FLAGS).isEqualTo(REMOTE_PARENT_FLAGS);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aListenerSeesTheTraceCompleteWhenTheRemoteRootArrivesOverOtlpHttp() throws Exception {
    // the rule as a SpanListener sees it, end to end through the OTLP/HTTP JSON decoding
    try (OtlpReceiver receiver =
        OtlpReceiver.start(
            ReceiverConfig.builder().httpPort(0).grpcPort(ReceiverConfig.DISABLED).build())) {
      AtomicReference<Set<String>> seen = new AtomicReference<>(Set.of());
      receiver
          .store()
          .addListener(spans -> seen.set(TraceCompletion.completedBy(spans, receiver.store())));
      String json =
          """
          {"resourceSpans":[{"scopeSpans":[{"spans":[
            {"traceId":"%s","spanId":"00000000000000aa","parentSpanId":"%s","kind":2,
             "flags":768,"name":"handle","startTimeUnixNano":"100","endTimeUnixNano":"200"}]}]}]}
          """
              .formatted(TRACE, REMOTE_PARENT);
      ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
      OtlpJson.merge(json, request);

      receiver.store().addTraces(request.build());

      assertThat(seen.get()).containsExactly(TRACE);
    }
  }

  private Set<String> add(Span... spans) {
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
            .build();
    List<StoredSpan> arrived =
        request.getResourceSpans(0).getScopeSpans(0).getSpansList().stream()
            .map(
                s ->
                    new StoredSpan(
                        request.getResourceSpans(0).getResource(),
                        "",
                        request.getResourceSpans(0).getScopeSpans(0).getScope(),
                        "",
                        s))
            .toList();
    store.addTraces(request);
    return TraceCompletion.completedBy(arrived, store);
  }

  private static Span span(
      String spanId, String parentSpanId, Span.SpanKind kind, int flags, long start) {
    return Span.newBuilder()
        .setTraceId(Ids.fromHex(TRACE))
        .setSpanId(Ids.fromHex(spanId))
        .setParentSpanId(Ids.fromHex(parentSpanId))
        .setKind(kind)
        .setFlags(flags)
        .setName("span-" + spanId)
        .setStartTimeUnixNano(start)
        .setEndTimeUnixNano(start + 10)
        .build();
  }
}
