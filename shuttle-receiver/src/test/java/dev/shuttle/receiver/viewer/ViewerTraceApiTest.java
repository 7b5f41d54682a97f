package dev.shuttle.receiver.viewer;

import static dev.shuttle.receiver.viewer.Otlp.attr;
import static dev.shuttle.receiver.viewer.Otlp.bytes;
import static dev.shuttle.receiver.viewer.Otlp.export;
import static dev.shuttle.receiver.viewer.Otlp.id;
import static dev.shuttle.receiver.viewer.Otlp.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.shuttle.receiver.RawHttp;
import dev.shuttle.receiver.TelemetryStore;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /api/traces/{id}} over HTTP: the whole shape of a pool trace (critical path, lanes,
 * queue waits, parallelism) and links across traces in both directions.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ViewerTraceApiTest {
  static final String POOL = "0af7651916cd43dd8448eb211c80319c";
  static final String CONSUMER = "5b8efff798038103d269b633813fc60c";

  private static ViewerServer viewer;

  @BeforeAll
  static void start() throws Exception {
    TelemetryStore store = TelemetryStore.create();
    // a submitter s [0, 2] ms hands two jobs to pool p, one per worker, and links to the consumer
    // trace's span c and to a span the store does not hold
    store.addTraces(
        export(
            "shop",
            span(POOL, "s", "", 0, 2)
                .addAttributes(attr("http.route", "/pay"))
                .addLinks(link(CONSUMER, "c"))
                .addLinks(link("ffffffffffffffffffffffffffffffff", "gone"))
                .addEvents(
                    Span.Event.newBuilder()
                        .setName("submitted")
                        .setTimeUnixNano(Otlp.ms(1))
                        .addAttributes(attr("jobs", 2))),
            job("j1", 1, 21, 1, 100_000),
            job("j2", 1.5, 22, 2, 50_000)));
    // the consumer trace: c links to the pool's job j1 (a producer sees its consumers)
    store.addTraces(
        export(
            "billing",
            span(CONSUMER, "c", "", 30, 31)
                .setKind(Span.SpanKind.SPAN_KIND_CONSUMER)
                .addLinks(link(POOL, "j1"))));
    viewer = Viewers.start(store);
  }

  @AfterAll
  static void stop() {
    viewer.close();
  }

  private static Span.Link link(String trace, String span) {
    return Span.Link.newBuilder().setTraceId(bytes(trace)).setSpanId(bytes(id(span))).build();
  }

  private static Span.Builder job(String name, double start, double end, long worker, long wait) {
    return span(POOL, name, "s", start, end)
        .addAttributes(attr("worker_pool.name", "p"))
        .addAttributes(attr("worker.id", worker))
        .addAttributes(attr("job.queue_wait_ns", wait));
  }

  private static Map<String, JsonObject> byName(JsonObject trace) {
    Map<String, JsonObject> spans = new HashMap<>();
    for (JsonElement span : trace.getAsJsonArray("spans")) {
      spans.put(span.getAsJsonObject().get("name").getAsString(), span.getAsJsonObject());
    }
    return spans;
  }

  private static List<String> strings(JsonElement array) {
    return array.getAsJsonArray().asList().stream().map(JsonElement::getAsString).toList();
  }

  @Test
  void aTraceHasTheContractsShape() throws Exception {
    // when
    JsonObject trace = Viewers.getJson(viewer, "/api/traces/" + POOL);

    // then
    assertThat(trace.keySet())
        .containsExactlyInAnyOrder(
            "traceId",
            "startUnixMillis",
            "durationNanos",
            "services",
            "spans",
            "criticalPath",
            "lanes",
            "omittedSpans",
            "running");
    assertThat(trace.get("traceId").getAsString()).isEqualTo(POOL);
    assertThat(trace.getAsJsonArray("running")).isEmpty();
    assertThat(trace.get("startUnixMillis").getAsDouble()).isEqualTo(Otlp.ms(0) / 1e6);
    assertThat(trace.get("durationNanos").getAsLong()).isEqualTo(22_000_000L);
    assertThat(strings(trace.get("services"))).containsExactly("shop");
    assertThat(trace.get("omittedSpans").getAsInt()).isZero();
    assertThat(trace.getAsJsonArray("spans").asList())
        .extracting(span -> span.getAsJsonObject().get("name").getAsString())
        .containsExactly("s", "j1", "j2");
    assertThat(strings(trace.get("criticalPath"))).containsExactly(id("s"), id("j2"));
    assertThat(trace.getAsJsonArray("lanes").asList())
        .extracting(lane -> lane.getAsJsonObject().get("key").getAsString())
        .containsExactly("pool:p:1", "pool:p:2");
    JsonObject lane = trace.getAsJsonArray("lanes").get(0).getAsJsonObject();
    assertThat(lane.get("label").getAsString()).isEqualTo("p worker 1");
    assertThat(strings(lane.get("spanIds"))).containsExactly(id("j1"));

    Map<String, JsonObject> spans = byName(trace);
    JsonObject s = spans.get("s");
    assertThat(s.keySet())
        .containsExactlyInAnyOrder(
            "spanId",
            "parentSpanId",
            "parentMissing",
            "depth",
            "name",
            "kind",
            "service",
            "scope",
            "resource",
            "startOffsetNanos",
            "durationNanos",
            "status",
            "attributes",
            "events",
            "links",
            "linkedFrom",
            "queueWaitNanos",
            "parallelism",
            "longestChildSpanId",
            "onCriticalPath",
            "lane");
    assertThat(s.get("parentSpanId").isJsonNull()).isTrue();
    assertThat(s.get("depth").getAsInt()).isZero();
    assertThat(s.get("kind").getAsString()).isEqualTo("UNSPECIFIED");
    assertThat(s.get("status").getAsJsonObject().get("code").getAsString()).isEqualTo("UNSET");
    assertThat(s.get("scope").getAsJsonObject().get("name").getAsString()).isEqualTo("test");
    assertThat(s.get("resource").getAsJsonArray().get(0).getAsJsonObject().get("key").getAsString())
        .isEqualTo("service.name");
    assertThat(s.get("attributes").getAsJsonArray().get(0).getAsJsonObject().keySet())
        .containsExactly("key", "value", "type");
    JsonObject event = s.getAsJsonArray("events").get(0).getAsJsonObject();
    assertThat(event.get("offsetNanos").getAsLong()).isEqualTo(1_000_000L);
    assertThat(
            event.getAsJsonArray("attributes").get(0).getAsJsonObject().get("type").getAsString())
        .isEqualTo("int");
    assertThat(s.get("queueWaitNanos").isJsonNull()).isTrue();
    assertThat(s.get("parallelism").getAsDouble()).isEqualTo(40.5 / 22);
    assertThat(s.get("longestChildSpanId").getAsString()).isEqualTo(id("j2"));
    assertThat(s.get("onCriticalPath").getAsBoolean()).isTrue();
    assertThat(s.get("lane").isJsonNull()).isTrue();

    JsonObject j1 = spans.get("j1");
    assertThat(j1.get("parentSpanId").getAsString()).isEqualTo(id("s"));
    assertThat(j1.get("parentMissing").getAsBoolean()).isFalse();
    assertThat(j1.get("depth").getAsInt()).isEqualTo(1);
    assertThat(j1.get("startOffsetNanos").getAsLong()).isEqualTo(1_000_000L);
    assertThat(j1.get("durationNanos").getAsLong()).isEqualTo(20_000_000L);
    assertThat(j1.get("queueWaitNanos").getAsLong()).isEqualTo(100_000L);
    assertThat(j1.get("parallelism").isJsonNull()).isTrue();
    assertThat(j1.get("onCriticalPath").getAsBoolean()).isFalse();
    assertThat(j1.get("lane").getAsString()).isEqualTo("pool:p:1");
  }

  @Test
  void linksAreToldInBothDirectionsAcrossTraces() throws Exception {
    // when
    Map<String, JsonObject> pool = byName(Viewers.getJson(viewer, "/api/traces/" + POOL));
    Map<String, JsonObject> consumer = byName(Viewers.getJson(viewer, "/api/traces/" + CONSUMER));

    // then: s links to c (held) and to a span that is not
    List<JsonElement> links = pool.get("s").getAsJsonArray("links").asList();
    assertThat(links).hasSize(2);
    assertThat(links.get(0).getAsJsonObject().get("traceId").getAsString()).isEqualTo(CONSUMER);
    assertThat(links.get(0).getAsJsonObject().get("spanId").getAsString()).isEqualTo(id("c"));
    assertThat(links.get(0).getAsJsonObject().get("inStore").getAsBoolean()).isTrue();
    assertThat(links.get(1).getAsJsonObject().get("inStore").getAsBoolean()).isFalse();
    // and j1 sees that c, in another trace, links to it
    JsonObject from = pool.get("j1").getAsJsonArray("linkedFrom").get(0).getAsJsonObject();
    assertThat(from.get("traceId").getAsString()).isEqualTo(CONSUMER);
    assertThat(from.get("spanId").getAsString()).isEqualTo(id("c"));
    assertThat(from.get("name").getAsString()).isEqualTo("c");
    assertThat(pool.get("j2").getAsJsonArray("linkedFrom")).isEmpty();
    // c sees that s links to it
    JsonObject toC = consumer.get("c").getAsJsonArray("linkedFrom").get(0).getAsJsonObject();
    assertThat(toC.get("spanId").getAsString()).isEqualTo(id("s"));
    assertThat(consumer.get("c").get("kind").getAsString()).isEqualTo("CONSUMER");
  }

  @Test
  void anUpperCaseIdFindsTheTrace() throws Exception {
    assertThat(
            Viewers.getJson(viewer, "/api/traces/" + POOL.toUpperCase(java.util.Locale.ROOT))
                .get("traceId"))
        .hasToString('"' + POOL + '"');
  }

  @ParameterizedTest
  @CsvSource({
    "ffffffffffffffffffffffffffffffff, 404, no trace ffffffffffffffffffffffffffffffff is held",
    "nothex, 400, a trace id is 32 hex digits, was 'nothex'",
    "0af7651916cd43dd8448eb211c80319, 400, a trace id is 32 hex digits",
    "0af7651916cd43dd8448eb211c80319c/spans, 404, no API endpoint"
  })
  void anUnknownOrMalformedIdIsAnErrorThatSaysWhy(String id, int status, String message)
      throws Exception {
    // when
    RawHttp.Response response = Viewers.get(viewer, "/api/traces/" + id);

    // then
    assertThat(response.status()).isEqualTo(status);
    assertThat(Viewers.json(response).get("error").getAsString()).contains(message);
  }
}
