package dev.shuttle.receiver.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.StoredTrace;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceRendererTest {
  static final String TRACE = "5b8efff798038103d269b633813fc60c";

  static ByteString id(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static StoredSpan span(Span.Builder span) {
    Resource resource =
        Resource.newBuilder().addAttributes(attribute("service.name", "shop")).build();
    return new StoredSpan(
        resource,
        "",
        InstrumentationScope.getDefaultInstance(),
        "",
        span.setTraceId(id(TRACE)).build());
  }

  static StoredTrace sample() {
    StoredSpan root =
        span(
            Span.newBuilder()
                .setSpanId(id("0000000000000001"))
                .setName("checkout")
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .setStartTimeUnixNano(1_000_000_000L)
                .setEndTimeUnixNano(1_012_300_000L)
                .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
                .addAttributes(attribute("http.route", "/pay")));
    StoredSpan db =
        span(
            Span.newBuilder()
                .setSpanId(id("0000000000000002"))
                .setParentSpanId(id("0000000000000001"))
                .setName("db.query")
                .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                .setStartTimeUnixNano(1_001_000_000L)
                .setEndTimeUnixNano(1_002_200_000L)
                .setStatus(
                    Status.newBuilder()
                        .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                        .setMessage("timeout"))
                .addEvents(
                    Span.Event.newBuilder()
                        .setName("exception")
                        .setTimeUnixNano(1_001_800_000L)
                        .addAttributes(attribute("exception.type", "java.io.IOException"))));
    StoredSpan publish =
        span(
            Span.newBuilder()
                .setSpanId(id("0000000000000003"))
                .setParentSpanId(id("0000000000000001"))
                .setName("publish")
                .setStartTimeUnixNano(1_005_000_000L)
                .setEndTimeUnixNano(1_005_400_000L)
                .addLinks(
                    Span.Link.newBuilder()
                        .setTraceId(id("0af7651916cd43dd8448eb211c80319c"))
                        .setSpanId(id("b7ad6b7169203331"))));
    // arrival order: children first, as a batch processor sends them
    return new StoredTrace(TRACE, List.of(db, publish, root));
  }

  @Test
  void rendersAnIndentedTreeWithStatusEventsAndLinks() {
    String text = TraceRenderer.plain().render(sample());

    assertThat(text)
        .isEqualTo(
            """
            trace 5b8efff798038103d269b633813fc60c  service shop  3 spans  12.3 ms
            └─ checkout (server)  12.3 ms  OK  {http.route=/pay}
               ├─ db.query (client)  1.2 ms  ERROR: timeout
               │     • exception +800.0 µs {exception.type=java.io.IOException}
               └─ publish  400.0 µs
                     ↪ link 0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331
            """);
  }

  @Test
  void orphanSpansAreShownAsRoots() {
    StoredSpan orphan =
        span(
            Span.newBuilder()
                .setSpanId(id("0000000000000009"))
                .setParentSpanId(id("00000000000000ff"))
                .setName("late")
                .setStartTimeUnixNano(5)
                .setEndTimeUnixNano(10));

    String text = TraceRenderer.plain().render(new StoredTrace(TRACE, List.of(orphan)));

    assertThat(text).contains("1 span ").contains("└─ late  5 ns");
  }

  @Test
  void colourIsOffByDefaultAndOnWhenAsked() {
    assertThat(TraceRenderer.plain().render(sample())).doesNotContain("\u001B[");
    assertThat(TraceRenderer.create(true).render(sample())).contains("\u001B[31mERROR: timeout");
  }
}
