package dev.shuttle.receiver.render;

import static dev.shuttle.receiver.render.TraceRendererTest.TRACE;
import static dev.shuttle.receiver.render.TraceRendererTest.attribute;
import static dev.shuttle.receiver.render.TraceRendererTest.id;
import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

class TracePrinterTest {

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
