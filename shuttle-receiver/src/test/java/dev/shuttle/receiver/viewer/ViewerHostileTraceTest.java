package dev.shuttle.receiver.viewer;

import static dev.shuttle.receiver.viewer.Otlp.bytes;
import static dev.shuttle.receiver.viewer.Otlp.export;
import static dev.shuttle.receiver.viewer.Otlp.id;
import static dev.shuttle.receiver.viewer.Otlp.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.shuttle.receiver.RawHttp;
import dev.shuttle.receiver.TelemetryStore;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Traces no honest SDK sends, as the network may: parent cycles, a span its own parent, very deep
 * chains, duplicate span ids, times out of order or beyond 2^63. Each is answered, in bounded time,
 * with JSON, and the viewer keeps serving.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ViewerHostileTraceTest {
  private static final String T = "0af7651916cd43dd8448eb211c80319c";

  private static void assertAnswered(TelemetryStore store) throws Exception {
    try (ViewerServer viewer = Viewers.start(store)) {
      // when
      RawHttp.Response list = Viewers.get(viewer, "/api/traces");
      RawHttp.Response trace = Viewers.get(viewer, "/api/traces/" + T);

      // then
      assertThat(list.status()).as(list.bodyText()).isEqualTo(200);
      assertThat(trace.status()).as(trace.bodyText()).isEqualTo(200);
      JsonObject json = Viewers.json(trace);
      assertThat(json.getAsJsonArray("spans")).isNotEmpty();
      assertThat(Viewers.get(viewer, "/api/traces").status()).isEqualTo(200);
    }
  }

  @Test
  void aParentCycleIsAnswered() throws Exception {
    // given: a's parent is b, b's parent is a, c's parent is c
    TelemetryStore store = TelemetryStore.create();
    store.addTraces(
        export(
            "shop",
            span(T, "a", "b", 0, 1),
            span(T, "b", "a", 0, 1),
            span(T, "c", "c", 0, 1),
            span(T, "d", "c", 0, 1)));

    assertAnswered(store);
  }

  @Test
  void aVeryDeepChainIsAnswered() throws Exception {
    // given: 20,000 spans, each the parent of the next
    TelemetryStore store = TelemetryStore.create();
    List<Span.Builder> spans = new ArrayList<>();
    spans.add(span(T, "s0", "", 0, 100));
    for (int i = 1; i < 20_000; i++) {
      spans.add(span(T, "s" + i, "s" + (i - 1), 0, 100));
    }
    store.addTraces(export("shop", spans.toArray(Span.Builder[]::new)));

    assertAnswered(store);
  }

  @Test
  void duplicateSpanIdsAreAnswered() throws Exception {
    // given
    TelemetryStore store = TelemetryStore.create();
    store.addTraces(
        export(
            "shop",
            span(T, "a", "", 0, 10),
            span(T, "b", "a", 1, 2),
            span(T, "b", "a", 3, 4).setName("b again"),
            span(T, "a", "b", 5, 6).setName("a again")));

    assertAnswered(store);
  }

  @Test
  void timesOutOfOrderOrBeyondTwoToTheSixtyThreeAreAnswered() throws Exception {
    // given: an end before its start, a start at 0, times beyond Long.MAX_VALUE (uint64)
    TelemetryStore store = TelemetryStore.create();
    store.addTraces(
        export(
            "shop",
            span(T, "a", "", 10, 1),
            span(T, "b", "a", 0, 0).setStartTimeUnixNano(0).setEndTimeUnixNano(-1L),
            span(T, "c", "a", 0, 0).setStartTimeUnixNano(-2L).setEndTimeUnixNano(5),
            span(T, "d", "a", 0, 0)
                .setStartTimeUnixNano(Long.MIN_VALUE)
                .setEndTimeUnixNano(Long.MAX_VALUE)
                .addEvents(Span.Event.newBuilder().setName("e").setTimeUnixNano(-1L))));

    assertAnswered(store);
  }

  @Test
  void manyLinksToTheSameSpanAreBounded() throws Exception {
    // given: 5,000 spans of another trace link to the root
    TelemetryStore store = TelemetryStore.create();
    store.addTraces(export("shop", span(T, "root", "", 0, 1)));
    List<Span.Builder> linking = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      linking.add(
          span("%032x".formatted(i + 1), "l" + i, "", 0, 1)
              .addLinks(Span.Link.newBuilder().setTraceId(bytes(T)).setSpanId(bytes(id("root")))));
    }
    store.addTraces(export("other", linking.toArray(Span.Builder[]::new)));

    try (ViewerServer viewer = Viewers.start(store)) {
      // when
      JsonObject trace = Viewers.getJson(viewer, "/api/traces/" + T);

      // then
      assertThat(
              trace
                  .getAsJsonArray("spans")
                  .get(0)
                  .getAsJsonObject()
                  .getAsJsonArray("linkedFrom")
                  .size())
          .isEqualTo(ViewerApi.MAX_LINKS);
    }
  }
}
