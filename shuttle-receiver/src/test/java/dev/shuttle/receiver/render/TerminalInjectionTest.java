package dev.shuttle.receiver.render;

import static dev.shuttle.receiver.render.TraceRendererTest.TRACE;
import static dev.shuttle.receiver.render.TraceRendererTest.attribute;
import static dev.shuttle.receiver.render.TraceRendererTest.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.StoredTrace;
import dev.shuttle.receiver.render.HostileStrings.Hostile;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Terminal injection regression tests: each string of {@link HostileStrings#CORPUS}, put in each
 * field of OTLP data that a client controls, rendered by the real renderers with and without
 * colour. The output must equal the output for a harmless placeholder with the placeholder replaced
 * by the expected escaped text (for a field that is not printed: the same output), so a hostile
 * string can neither add lines nor change anything around it, and no control character may leave a
 * renderer except the line ends and its own colour codes.
 */
class TerminalInjectionTest {
  private static final String PLACEHOLDER = "PLACEHOLDER";

  /** A field of received telemetry that a client sets to any string, and how to render it. */
  record Field(String name, boolean printed, BiFunction<String, Boolean, String> renderer) {
    String render(String text, boolean colour) {
      return renderer.apply(text, colour);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Field> FIELDS =
      List.of(
          new Field("span name", true, (text, colour) -> trace(colour, span().setName(text))),
          new Field(
              "event name", true, (text, colour) -> trace(colour, span().addEvents(event(text)))),
          new Field(
              "status message",
              true,
              (text, colour) ->
                  trace(
                      colour,
                      span()
                          .setStatus(
                              Status.newBuilder()
                                  .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                                  .setMessage(text)))),
          new Field(
              "service name",
              true,
              (text, colour) ->
                  trace(colour, service(text), InstrumentationScope.getDefaultInstance())),
          new Field(
              "span attribute key",
              true,
              (text, colour) -> trace(colour, span().addAttributes(string(text, "v")))),
          new Field(
              "span attribute value",
              true,
              (text, colour) -> trace(colour, span().addAttributes(string("k", text)))),
          new Field(
              "array element",
              true,
              (text, colour) ->
                  trace(
                      colour,
                      span()
                          .addAttributes(
                              KeyValue.newBuilder()
                                  .setKey("k")
                                  .setValue(
                                      array(
                                          AnyValue.newBuilder().setIntValue(1).build(),
                                          str(text)))))),
          new Field(
              "kvlist key",
              true,
              (text, colour) -> trace(colour, span().addAttributes(kvlist(string(text, "v"))))),
          new Field(
              "kvlist value",
              true,
              (text, colour) -> trace(colour, span().addAttributes(kvlist(string("k", text))))),
          new Field(
              "nested value",
              true,
              (text, colour) ->
                  trace(
                      colour,
                      span()
                          .addAttributes(
                              kvlist(
                                  KeyValue.newBuilder()
                                      .setKey("list")
                                      .setValue(array(array(str(text))))
                                      .build())))),
          new Field(
              "event attribute key",
              true,
              (text, colour) ->
                  trace(colour, span().addEvents(event("retry").addAttributes(string(text, "v"))))),
          new Field(
              "event attribute value",
              true,
              (text, colour) ->
                  trace(colour, span().addEvents(event("retry").addAttributes(string("k", text))))),
          new Field(
              "link attribute value",
              true,
              (text, colour) ->
                  trace(
                      colour,
                      span()
                          .addLinks(
                              Span.Link.newBuilder()
                                  .setTraceId(id(TRACE))
                                  .setSpanId(id("0000000000000007"))
                                  .addAttributes(string("k", text))))),
          new Field(
              "trace id",
              true,
              (text, colour) ->
                  TraceRenderer.create(colour)
                      .render(new StoredTrace(text, List.of(stored(span()))))),
          new Field(
              "resource attribute",
              false,
              (text, colour) ->
                  trace(
                      colour,
                      service("shop").toBuilder().addAttributes(string("host.name", text)).build(),
                      InstrumentationScope.getDefaultInstance())),
          new Field(
              "scope name",
              false,
              (text, colour) ->
                  trace(
                      colour,
                      service("shop"),
                      InstrumentationScope.newBuilder().setName(text).build())),
          new Field(
              "scope version",
              false,
              (text, colour) ->
                  trace(
                      colour,
                      service("shop"),
                      InstrumentationScope.newBuilder().setName("lib").setVersion(text).build())),
          new Field(
              "trace state", false, (text, colour) -> trace(colour, span().setTraceState(text))),
          new Field(
              "metric name",
              true,
              (text, colour) -> metrics(colour, "shop", gauge().setName(text), "lib")),
          new Field(
              "metric description",
              true,
              (text, colour) -> metrics(colour, "shop", gauge().setDescription(text), "lib")),
          new Field(
              "metric unit",
              true,
              (text, colour) -> metrics(colour, "shop", gauge().setUnit(text), "lib")),
          new Field(
              "metric service name", true, (text, colour) -> metrics(colour, text, gauge(), "lib")),
          new Field(
              "metric scope name", false, (text, colour) -> metrics(colour, "shop", gauge(), text)),
          new Field(
              "point attribute key",
              true,
              (text, colour) -> metrics(colour, "shop", gauge(string(text, "v")), "lib")),
          new Field(
              "point attribute value",
              true,
              (text, colour) -> metrics(colour, "shop", gauge(string("k", text)), "lib")),
          new Field(
              "histogram point attribute value",
              true,
              (text, colour) ->
                  metrics(
                      colour,
                      "shop",
                      Metric.newBuilder()
                          .setName("latency")
                          .setHistogram(
                              Histogram.newBuilder()
                                  .addDataPoints(
                                      HistogramDataPoint.newBuilder()
                                          .setCount(1)
                                          .addAttributes(string("k", text)))),
                      "lib")));

  static Stream<Field> fields() {
    return FIELDS.stream();
  }

  static Stream<Arguments> everyFieldWithEveryHostileString() {
    return FIELDS.stream()
        .flatMap(field -> HostileStrings.CORPUS.stream().map(h -> Arguments.of(field, h)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("everyFieldWithEveryHostileString")
  void hostileStringsAreRenderedEscapedAndNothingElseChanges(Field field, Hostile hostile) {
    for (boolean colour : new boolean[] {false, true}) {
      // given
      String harmless = field.render(PLACEHOLDER, colour);
      assertThat(harmless.split(PLACEHOLDER, -1)).hasSize(field.printed ? 2 : 1);

      // when
      String output = field.render(hostile.text(), colour);

      // then
      assertThat(output).isEqualTo(harmless.replace(PLACEHOLDER, hostile.printed()));
      HostileStrings.assertTerminalSafe(output);
    }
  }

  @ParameterizedTest
  @MethodSource("fields")
  void printableNonAsciiTextIsRenderedUnchanged(Field field) {
    // given: short enough for the 80-char limit of attribute values
    String text = "结账 チェック 결제 👩‍💻 ❤️‍🔥 👍🏽 🇨🇳 café";

    // when
    String output = field.render(text, true);

    // then
    assertThat(output).isEqualTo(field.render(PLACEHOLDER, true).replace(PLACEHOLDER, text));
  }

  @ParameterizedTest
  @MethodSource("fields")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void aMebibyteStringIsCutWithAnEllipsis(Field field) {
    // given
    String huge = "\u001B[2J\n".repeat(1 << 18); // 1 MiB of chars
    String harmless = field.render(PLACEHOLDER, false);

    // when
    String output = field.render(huge, false);

    // then
    HostileStrings.assertTerminalSafe(output);
    assertThat(output.lines().count()).isEqualTo(harmless.lines().count());
    if (field.printed) {
      // the lines after the one that holds the string follow unchanged
      String rest = harmless.substring(harmless.indexOf(PLACEHOLDER));
      assertThat(output)
          .startsWith(harmless.substring(0, harmless.indexOf(PLACEHOLDER)))
          .contains("\\u001b[2J\\n")
          .contains("…")
          .endsWith(rest.substring(rest.indexOf('\n')))
          .hasSizeLessThanOrEqualTo(harmless.length() + Untrusted.MAX_NAME_CHARS);
    } else {
      assertThat(output).isEqualTo(harmless);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.shuttle.receiver.render.HostileStrings#corpus")
  void fittedLinesStayEscapedWholeAndWithinTheWidth(Hostile hostile) {
    // given: the string, repeated, in every field of a line that gets cut
    String text = hostile.text().repeat(20);
    Span.Builder span =
        span()
            .setName(text)
            .setStatus(
                Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(text))
            .addAttributes(string(text, text))
            .addEvents(event(text).addAttributes(string(text, text)));
    StoredSpan stored =
        new StoredSpan(
            service(text),
            "",
            InstrumentationScope.getDefaultInstance(),
            "",
            span.setTraceId(id(TRACE)).build());

    for (int columns : new int[] {40, 60, 80, 120}) {
      // when
      String traceText =
          TraceRenderer.create(true)
              .withWidth(columns)
              .render(new StoredTrace(TRACE, List.of(stored)));
      String metricsText =
          MetricsRenderer.create(true)
              .withWidth(columns)
              .render(
                  List.of(
                      ResourceMetrics.newBuilder()
                          .setResource(service(text))
                          .addScopeMetrics(
                              ScopeMetrics.newBuilder()
                                  .addMetrics(
                                      gauge(string(text, text))
                                          .setName(text)
                                          .setUnit(text)
                                          .setDescription(text)))
                          .build()));

      // then: no escape is split, and every line fits
      for (String output : List.of(traceText, metricsText)) {
        HostileStrings.assertTerminalSafe(output);
        String plain = LineTest.strip(output);
        assertThat(plain.lines())
            .allSatisfy(line -> assertThat(Columns.of(line)).isLessThanOrEqualTo(columns));
        // an odd run of backslashes starts an escape: none is cut short
        assertThat(plain)
            .doesNotContainPattern("(?<!\\\\)(\\\\\\\\)*\\\\u(\\{[0-9a-f]*|[0-9a-f]{0,3})…");
      }
      assertThat(LineTest.strip(traceText).lines())
          .hasSize(columns < 72 ? 4 : 3) // header, span, event; the header on two lines if narrow
          .anySatisfy(line -> assertThat(line).contains("  1.0 ms  ERROR"));
    }
  }

  @Test
  void oversizedIdsAndBytesAreCut() {
    // given: ids and a bytes value of 1 MiB, where OTLP ids have 16 and 8 bytes
    ByteString huge = ByteString.copyFrom(new byte[1 << 20]);
    Span.Builder span =
        span()
            .addLinks(Span.Link.newBuilder().setTraceId(huge).setSpanId(huge))
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("k")
                    .setValue(AnyValue.newBuilder().setBytesValue(huge)));

    // when
    String output = trace(false, span);

    // then
    String linkLine = output.lines().filter(l -> l.contains("link")).findFirst().orElseThrow();
    assertThat(linkLine)
        .contains("0".repeat(63) + "…/" + "0".repeat(63) + "…")
        .hasSizeLessThan(200);
    assertThat(output).contains("{k=0x" + "0".repeat(77) + "…}");
  }

  @Test
  void theRendererOwnColourCodesAreKept() {
    // when
    String output = FIELDS.getFirst().render("\u001B[31mfake red", true);

    // then
    assertThat(output).contains("\u001B[1m\\u001b[31mfake red\u001B[0m");
  }

  private static Span.Builder span() {
    return Span.newBuilder()
        .setSpanId(id("0000000000000001"))
        .setName("checkout")
        .setStartTimeUnixNano(1_000_000_000L)
        .setEndTimeUnixNano(1_001_000_000L);
  }

  private static Span.Event.Builder event(String name) {
    return Span.Event.newBuilder().setName(name).setTimeUnixNano(1_000_500_000L);
  }

  private static Resource service(String name) {
    return Resource.newBuilder().addAttributes(attribute("service.name", name)).build();
  }

  private static StoredSpan stored(Span.Builder span) {
    return new StoredSpan(
        service("shop"),
        "",
        InstrumentationScope.getDefaultInstance(),
        "",
        span.setTraceId(id(TRACE)).build());
  }

  private static String trace(boolean colour, Span.Builder span) {
    return TraceRenderer.create(colour).render(new StoredTrace(TRACE, List.of(stored(span))));
  }

  private static String trace(boolean colour, Resource resource, InstrumentationScope scope) {
    StoredSpan stored =
        new StoredSpan(resource, "", scope, "", span().setTraceId(id(TRACE)).build());
    return TraceRenderer.create(colour).render(new StoredTrace(TRACE, List.of(stored)));
  }

  private static String metrics(
      boolean colour, String service, Metric.Builder metric, String scope) {
    ResourceMetrics batch =
        ResourceMetrics.newBuilder()
            .setResource(service(service))
            .addScopeMetrics(
                ScopeMetrics.newBuilder()
                    .setScope(InstrumentationScope.newBuilder().setName(scope).setVersion(scope))
                    .addMetrics(metric))
            .build();
    return MetricsRenderer.create(colour).render(List.of(batch));
  }

  private static Metric.Builder gauge(KeyValue... attributes) {
    return Metric.newBuilder()
        .setName("load")
        .setGauge(
            Gauge.newBuilder()
                .addDataPoints(
                    NumberDataPoint.newBuilder()
                        .setAsDouble(0.5)
                        .addAllAttributes(List.of(attributes))));
  }

  private static KeyValue string(String key, String value) {
    return attribute(key, value);
  }

  private static AnyValue str(String value) {
    return AnyValue.newBuilder().setStringValue(value).build();
  }

  private static AnyValue array(AnyValue... values) {
    return AnyValue.newBuilder()
        .setArrayValue(ArrayValue.newBuilder().addAllValues(List.of(values)))
        .build();
  }

  private static KeyValue kvlist(KeyValue entry) {
    return KeyValue.newBuilder()
        .setKey("map")
        .setValue(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(entry)))
        .build();
  }
}
