package dev.shuttle.receiver.viewer;

import static dev.shuttle.receiver.viewer.Otlp.attr;
import static dev.shuttle.receiver.viewer.Otlp.error;
import static dev.shuttle.receiver.viewer.Otlp.export;
import static dev.shuttle.receiver.viewer.Otlp.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.shuttle.receiver.RawHttp;
import dev.shuttle.receiver.TelemetryStore;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /api/traces} over HTTP: each filter, the order, {@code total}, {@code services}, the
 * limit, and a 400 that says what was wrong for each bad value.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ViewerTracesApiTest {
  static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  static final String B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  static final String C = "cccccccccccccccccccccccccccccccc";

  private static ViewerServer viewer;

  @BeforeAll
  static void start() throws Exception {
    TelemetryStore store = TelemetryStore.create();
    // A: shop, 0-10 ms, an ERROR child; B: inventory, 20-25 ms; C: shop on prod, 30-31 ms
    store.addTraces(
        export(
            "shop",
            span(A, "checkout", "", 0, 10).addAttributes(attr("http.route", "/pay")),
            error(span(A, "db.query", "checkout", 1, 2), "timeout")));
    store.addTraces(export("inventory", span(B, "Reserve Stock", "", 20, 25)));
    store.addTraces(
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(
                        Resource.newBuilder()
                            .addAttributes(attr("service.name", "shop"))
                            .addAttributes(attr("deployment", "prod=eu")))
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .setScope(InstrumentationScope.newBuilder().setName("test"))
                            .addSpans(span(C, "publish", "", 30, 31))))
            .build());
    viewer = Viewers.start(store);
  }

  @AfterAll
  static void stop() {
    viewer.close();
  }

  private static List<String> ids(JsonObject list) {
    List<String> ids = new ArrayList<>();
    for (JsonElement trace : list.getAsJsonArray("traces")) {
      ids.add(trace.getAsJsonObject().get("traceId").getAsString());
    }
    return ids;
  }

  @Test
  void allTracesNewestFirstWithTheirSummaries() throws Exception {
    // when
    JsonObject list = Viewers.getJson(viewer, "/api/traces");

    // then
    assertThat(ids(list)).containsExactly(C, B, A);
    assertThat(list.get("total").getAsInt()).isEqualTo(3);
    assertThat(list.getAsJsonArray("services").asList())
        .extracting(JsonElement::getAsString)
        .containsExactly("inventory", "shop");
    JsonObject a = list.getAsJsonArray("traces").get(2).getAsJsonObject();
    assertThat(a.keySet())
        .containsExactlyInAnyOrder(
            "traceId",
            "rootName",
            "service",
            "services",
            "spanCount",
            "startUnixMillis",
            "durationNanos",
            "error");
    assertThat(a.get("rootName").getAsString()).isEqualTo("checkout");
    assertThat(a.get("service").getAsString()).isEqualTo("shop");
    assertThat(a.get("spanCount").getAsInt()).isEqualTo(2);
    assertThat(a.get("startUnixMillis").getAsDouble()).isEqualTo(Otlp.ms(0) / 1e6);
    assertThat(a.get("durationNanos").getAsLong()).isEqualTo(10_000_000L);
    assertThat(a.get("error").getAsBoolean()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "service=inventory | " + B,
        "service=shop | " + C + "," + A,
        "service=Shop | ''",
        "name=STOCK | " + B,
        "name=query | " + A,
        "name=%20Sto | " + B,
        "status=error | " + A,
        "status=ok | " + C + "," + B,
        "minDurationMs=5 | " + B + "," + A,
        "minDurationMs=5.5 | " + A,
        "minDurationMs=0 | " + C + "," + B + "," + A,
        "attr=http.route=/pay | " + A,
        "attr=http.route%3D%2Fpay | " + A,
        "attr=deployment=prod=eu | " + C,
        "attr=deployment=prod | ''",
        "service=shop&status=ok | " + C,
        "service=shop&name=db&status=error&minDurationMs=10 | " + A,
        "name= | " + C + "," + B + "," + A,
        "unknown=1 | " + C + "," + B + "," + A,
        "limit=2 | " + C + "," + B,
      })
  void filtersSelectTraces(String query, String expected) throws Exception {
    // when
    JsonObject list = Viewers.getJson(viewer, "/api/traces?" + query);

    // then
    List<String> want = expected.isEmpty() ? List.of() : List.of(expected.split(","));
    assertThat(ids(list)).containsExactlyElementsOf(want);
    if (!query.startsWith("limit")) {
      assertThat(list.get("total").getAsInt()).isEqualTo(want.size());
    } else {
      assertThat(list.get("total").getAsInt()).isEqualTo(3);
    }
    assertThat(list.getAsJsonArray("services")).hasSize(2); // every service, whatever the filter
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "limit=0 | limit must be a whole number from 1 to 1000, was '0'",
        "limit=1001 | limit must be a whole number from 1 to 1000",
        "limit=abc | limit must be a whole number from 1 to 1000, was 'abc'",
        "limit=1e3 | limit must be a whole number",
        "minDurationMs=-1 | minDurationMs must be a number from 0",
        "minDurationMs=NaN | minDurationMs must be a number",
        "minDurationMs=Infinity | minDurationMs must be a number",
        "minDurationMs=1e300 | minDurationMs must be a number",
        "minDurationMs=ten | was 'ten'",
        "status=maybe | status must be error or ok, was 'maybe'",
        "attr=novalue | attr must be key=value, was 'novalue'",
        "attr==x | attr must be key=value",
        "service=a&service=b | service given 2 times",
        "name=%zz | malformed query string",
        "name=%E2%82 | malformed query string"
      })
  void aBadValueIsA400ThatSaysWhatWasWrong(String query, String message) throws Exception {
    // when
    RawHttp.Response response = Viewers.get(viewer, "/api/traces?" + query);

    // then
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    assertThat(Viewers.json(response).get("error").getAsString()).contains(message);
  }

  @Test
  void hostileValuesAreEchoedOnlyEscapedAndBounded() throws Exception {
    // given: a script tag, ESC, a line separator, a bidi override, and length
    String hostile = "%3C%2Fscript%3E%3Cscript%3E%1B%5B31m%E2%80%A8%E2%80%AE" + "x".repeat(900);

    // when
    RawHttp.Response response = Viewers.get(viewer, "/api/traces?status=" + hostile);

    // then
    assertThat(response.status()).isEqualTo(400);
    String raw = response.bodyText();
    assertThat(raw).doesNotContain("<", "\u001b", "\u2028", "\u202e").hasSizeLessThan(400);
    String message = Viewers.json(response).get("error").getAsString();
    assertThat(message).contains("\\u001b", "\\u2028", "\\u202e").doesNotContain("\u001b");
  }

  @Test
  void theLimitIs200ByDefaultAndAtMost1000() throws Exception {
    // given
    TelemetryStore store = TelemetryStore.create();
    for (int i = 0; i < 1005; i++) {
      store.addTraces(export("many", span("%032x".formatted(i + 1), "t" + i, "", i, i + 1)));
    }
    try (ViewerServer many = Viewers.start(store)) {
      // when
      JsonObject byDefault = Viewers.getJson(many, "/api/traces");
      JsonObject most = Viewers.getJson(many, "/api/traces?limit=1000");

      // then
      assertThat(byDefault.getAsJsonArray("traces")).hasSize(200);
      assertThat(byDefault.get("total").getAsInt()).isEqualTo(1005);
      JsonArray first = byDefault.getAsJsonArray("traces");
      assertThat(first.get(0).getAsJsonObject().get("rootName").getAsString()).isEqualTo("t1004");
      assertThat(most.getAsJsonArray("traces")).hasSize(1000);
      assertThat(Viewers.get(many, "/api/traces?limit=1001").status()).isEqualTo(400);
    }
  }
}
