package dev.shuttle.receiver.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    return span(span, "shop");
  }

  static StoredSpan span(Span.Builder span, String service) {
    Resource resource =
        Resource.newBuilder().addAttributes(attribute("service.name", service)).build();
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
  void aSpanOfAnotherServiceInTheTraceNamesItsService() {
    StoredSpan send =
        span(
            Span.newBuilder()
                .setSpanId(id("0000000000000001"))
                .setName("send jobs")
                .setKind(Span.SpanKind.SPAN_KIND_PRODUCER)
                .setStartTimeUnixNano(1_000_000_000L)
                .setEndTimeUnixNano(1_002_000_000L));
    StoredSpan process =
        span(
            Span.newBuilder()
                .setSpanId(id("0000000000000002"))
                .setParentSpanId(id("0000000000000001"))
                .setName("process jobs")
                .setKind(Span.SpanKind.SPAN_KIND_CONSUMER)
                .setStartTimeUnixNano(1_003_000_000L)
                .setEndTimeUnixNano(1_008_000_000L),
            "worker-1");

    String text = TraceRenderer.plain().render(new StoredTrace(TRACE, List.of(process, send)));

    assertThat(text)
        .isEqualTo(
            """
            trace 5b8efff798038103d269b633813fc60c  service shop  2 spans  8.0 ms
            └─ send jobs (producer)  2.0 ms
               └─ process jobs (consumer)  service worker-1  5.0 ms
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

  static KeyValue attribute(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  /** A pool's trace as the demo prints it: long attribute lists, an error with an exception. */
  static StoredTrace pool() {
    StoredSpan root =
        span(
            Span.newBuilder()
                .setSpanId(id("0000000000000001"))
                .setName("submit-tasks")
                .setStartTimeUnixNano(1_000_000_000L)
                .setEndTimeUnixNano(1_148_400_000L)
                .addAttributes(attribute("pool.size", 3))
                .addAttributes(attribute("task.count", 2)));
    StoredSpan ok =
        span(
            Span.newBuilder()
                .setSpanId(id("0000000000000002"))
                .setParentSpanId(id("0000000000000001"))
                .setName("pool-task")
                .setStartTimeUnixNano(1_001_000_000L)
                .setEndTimeUnixNano(1_041_700_000L)
                .addAttributes(attribute("job.queue_wait_ns", 20_400_000L))
                .addAttributes(attribute("pool.size", 3))
                .addAttributes(attribute("task.id", 1))
                .addAttributes(attribute("worker_pool.name", "bounded-pool"))
                .addAttributes(attribute("task.name", "task-0")));
    StoredSpan failed =
        span(
            Span.newBuilder()
                .setSpanId(id("0000000000000003"))
                .setParentSpanId(id("0000000000000001"))
                .setName("pool-task")
                .setStartTimeUnixNano(1_042_000_000L)
                .setEndTimeUnixNano(1_067_100_000L)
                .setStatus(
                    Status.newBuilder()
                        .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                        .setMessage("cannot process task-7"))
                .addAttributes(attribute("job.queue_wait_ns", 3_234L))
                .addAttributes(attribute("task.name", "task-7"))
                .addAttributes(
                    attribute(
                        "error.type",
                        "dev.shuttle.demo.scenario.BoundedPoolScenario.TaskFailedException"))
                .addEvents(
                    Span.Event.newBuilder()
                        .setName("exception")
                        .setTimeUnixNano(1_067_000_000L)
                        .addAttributes(
                            attribute(
                                "exception.type",
                                "dev.shuttle.demo.scenario.BoundedPoolScenario.TaskFailedException"))
                        .addAttributes(attribute("exception.message", "cannot process task-7"))));
    return new StoredTrace(TRACE, List.of(ok, failed, root));
  }

  @ParameterizedTest
  @ValueSource(ints = {80, 120})
  void everyLineFitsTheWidthAndKeepsTreeNamesAndDurations(int columns) {
    // when
    String text = TraceRenderer.plain().withWidth(columns).render(pool());

    // then
    assertThat(text.lines())
        .allSatisfy(line -> assertThat(Columns.of(line)).isLessThanOrEqualTo(columns));
    assertThat(text.lines().map(TraceRendererTest::upToDuration))
        .containsExactlyElementsOf(
            TraceRenderer.plain()
                .render(pool())
                .lines()
                .map(TraceRendererTest::upToDuration)
                .toList());
    assertThat(text)
        .contains("└─ submit-tasks  148.4 ms  {pool.size=3, task.count=2}")
        .contains("├─ pool-task  40.7 ms  {job.queue_wait_ns=20.4 ms, ")
        .contains("└─ pool-task  25.1 ms  ERROR: cannot process task-7  {job.queue_wait_ns=3.2 ")
        .contains("…");
  }

  @Test
  void at80ColumnsAttributesAreElidedAfterAWholeAttributeWhereOneFits() {
    String text = TraceRenderer.plain().withWidth(80).render(pool());

    assertThat(text)
        .isEqualTo(
            """
            trace 5b8efff798038103d269b633813fc60c  service shop  3 spans  148.4 ms
            └─ submit-tasks  148.4 ms  {pool.size=3, task.count=2}
               ├─ pool-task  40.7 ms  {job.queue_wait_ns=20.4 ms, pool.size=3, task.id=1, …}
               └─ pool-task  25.1 ms  ERROR: cannot process task-7  {job.queue_wait_ns=3.2 …
                     • exception +25.0 ms {exception.type=dev.shuttle.demo.scenario.Bounded…
            """);
  }

  @Test
  void wideShowsEveryAttributeWhole() {
    // given: more attributes than a narrow line holds
    String text = TraceRenderer.plain().withWidth(0).render(pool());

    // then
    assertThat(text)
        .contains(
            "├─ pool-task  40.7 ms  {job.queue_wait_ns=20.4 ms, pool.size=3, task.id=1,"
                + " worker_pool.name=bounded-pool, task.name=task-0}")
        .contains(
            "• exception +25.0 ms {exception.type=dev.shuttle.demo.scenario.BoundedPoolScenario"
                + ".TaskFailedException, exception.message=cannot process task-7}")
        .doesNotContain("…");
    assertThat(TraceRenderer.plain().render(pool())).isEqualTo(text); // the default
  }

  @Test
  void nanosecondAttributesAreDurationsAndOtherNumbersStayNumbers() {
    StoredSpan span =
        span(
            Span.newBuilder()
                .setSpanId(id("0000000000000001"))
                .setName("job")
                .setStartTimeUnixNano(1)
                .setEndTimeUnixNano(2)
                .addAttributes(attribute("job.queue_wait_ns", 20_400_000L))
                .addAttributes(attribute("retry.backoff_ns", 1_500_000_000L))
                .addAttributes(attribute("skew_ns", -5))
                .addAttributes(attribute("name_ns", "soon"))
                .addAttributes(attribute("job.queue_wait", 20_400_000L)));

    String text = TraceRenderer.plain().render(new StoredTrace(TRACE, List.of(span)));

    assertThat(text)
        .contains(
            "{job.queue_wait_ns=20.4 ms, retry.backoff_ns=1.50 s, skew_ns=-5, name_ns=soon,"
                + " job.queue_wait=20400000}");
  }

  @Test
  void countsTakeTheSingularForOne() {
    StoredSpan one =
        span(
            Span.newBuilder()
                .setSpanId(id("0000000000000001"))
                .setName("alone")
                .setStartTimeUnixNano(1)
                .setEndTimeUnixNano(2));

    assertThat(TraceRenderer.plain().render(new StoredTrace(TRACE, List.of(one))))
        .contains("  1 span  ")
        .doesNotContain("1 spans");
    assertThat(TraceRenderer.plain().render(sample())).contains("  3 spans  ");
  }

  @Test
  void aHeaderWithALinkTooWideKeepsTheLinkWholeOnItsOwnLine() {
    TraceRenderer renderer =
        TraceRenderer.plain().withTraceUrl(id -> "http://127.0.0.1:16686/trace/" + id);

    // at 80 columns the link and the rest do not fit on one line
    assertThat(renderer.withWidth(80).render(sample()).lines().limit(2))
        .containsExactly(
            "trace http://127.0.0.1:16686/trace/5b8efff798038103d269b633813fc60c",
            "service shop  3 spans  12.3 ms");
    // at 120 they do
    assertThat(renderer.withWidth(120).render(sample()).lines().findFirst())
        .contains(
            "trace http://127.0.0.1:16686/trace/5b8efff798038103d269b633813fc60c  service shop"
                + "  3 spans  12.3 ms");
  }

  @Test
  void colourIsTheSameWithOrWithoutAWidth() {
    String coloured = TraceRenderer.create(true).withWidth(80).render(pool());

    assertThat(coloured).contains("\u001B[31mERROR: cannot process task-7\u001B[0m");
    assertThat(LineTest.strip(coloured))
        .isEqualTo(TraceRenderer.plain().withWidth(80).render(pool()));
    assertThat(TraceRenderer.create(false).withWidth(80).render(pool())).doesNotContain("\u001B[");
  }

  @Test
  void aNegativeWidthIsRefused() {
    assertThatThrownBy(() -> TraceRenderer.plain().withWidth(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("columns must be at least 1, or 0 for no limit, was -1");
  }

  private static final java.util.regex.Pattern DURATION =
      java.util.regex.Pattern.compile("\\d+(\\.\\d+)? (ns|µs|ms|s)\\b");

  /** A line up to its first duration: tree glyphs, name and duration of a span or an event. */
  private static String upToDuration(String line) {
    java.util.regex.Matcher m = DURATION.matcher(line);
    return m.find() ? line.substring(0, m.end()) : line;
  }
}
