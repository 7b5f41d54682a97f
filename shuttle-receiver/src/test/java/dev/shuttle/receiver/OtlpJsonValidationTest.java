package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OTLP/JSON decoding rules, one test per rule.
 *
 * <p>References: the OTLP specification, "JSON Protobuf Encoding"
 * (open-telemetry/opentelemetry-proto {@code docs/specification.md}); {@code trace.proto}, {@code
 * logs.proto} and {@code metrics.proto} on ids; the protobuf JSON mapping (proto3 "JSON Mapping").
 * The OpenTelemetry Collector's {@code pdata} JSON unmarshaler
 * (open-telemetry/opentelemetry-collector, commit 934999fb, {@code
 * pdata/internal/json/iterator.go}, {@code pdata/internal/bytesid.go}, their tests in {@code
 * iterator_test.go}, {@code traceid_test.go}, {@code spanid_test.go}, and jsoniter's {@code
 * iter_str.go} underneath) serves as a second oracle: each test says whether the collector accepts
 * the same input, and where Shuttle deliberately differs.
 */
class OtlpJsonValidationTest {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final String SPAN = "eee19b7ec3c1b174";
  private static final String SPAN_PATH = "resourceSpans[0].scopeSpans[0].spans[0].";

  // ---------------------------------------------------------------- ids

  @Test
  void traceIdOfTheWrongLengthIsRejectedWithItsPath() {
    // collector: rejected ("length mismatch", bytesid.go)
    assertRejected(spanJson("\"traceId\":\"abcd\",\"spanId\":\"" + SPAN + "\""))
        .hasMessage(SPAN_PATH + "traceId: expected 32 hex characters, got 4");
    assertRejected(spanJson("\"traceId\":\"" + TRACE + "00\",\"spanId\":\"" + SPAN + "\""))
        .hasMessage(SPAN_PATH + "traceId: expected 32 hex characters, got 34");
  }

  @Test
  void spanIdOfTheWrongLengthIsRejectedWithItsPath() {
    // collector: rejected ("length mismatch")
    assertRejected(spanJson("\"traceId\":\"" + TRACE + "\",\"spanId\":\"eee19b7e\""))
        .hasMessage(SPAN_PATH + "spanId: expected 16 hex characters, got 8");
  }

  @Test
  void emptyOrAbsentOrAllZeroSpanIdsAreRejected() {
    // trace.proto: "An ID with all zeroes OR of length other than 16 bytes is considered invalid
    // (empty string in OTLP/JSON is zero-length and thus is also invalid). This field is
    // required." The collector accepts all three (an empty id is its zero id); Shuttle follows
    // trace.proto, since such a span cannot be placed in any trace.
    assertRejected(spanJson("\"traceId\":\"\",\"spanId\":\"" + SPAN + "\""))
        .hasMessage(SPAN_PATH + "traceId: required, but empty or absent");
    assertRejected(spanJson("\"spanId\":\"" + SPAN + "\""))
        .hasMessage(SPAN_PATH + "traceId: required, but empty or absent");
    assertRejected(spanJson("\"traceId\":\"" + TRACE + "\""))
        .hasMessage(SPAN_PATH + "spanId: required, but empty or absent");
    assertRejected(spanJson("\"traceId\":\"" + "0".repeat(32) + "\",\"spanId\":\"" + SPAN + "\""))
        .hasMessage(SPAN_PATH + "traceId: all zeros, which is an invalid id");
    assertRejected(spanJson("\"traceId\":\"" + TRACE + "\",\"spanId\":\"0000000000000000\""))
        .hasMessage(SPAN_PATH + "spanId: all zeros, which is an invalid id");
  }

  @Test
  void idsAreCaseInsensitiveHex() throws Exception {
    // specification: "case-insensitive hex-encoded strings"; collector: accepted (hex.Decode)
    Span span =
        onlySpan(
            parseTraces(
                spanJson(ids(TRACE.toUpperCase(Locale.ROOT), SPAN.toUpperCase(Locale.ROOT)))));

    assertThat(Ids.hex(span.getTraceId())).isEqualTo(TRACE);
    assertThat(Ids.hex(span.getSpanId())).isEqualTo(SPAN);
  }

  @Test
  void idsThatAreNotHexAreRejected() {
    // collector: rejected (hex.Decode error); base64, as protobuf's own mapping writes bytes,
    // is the usual mistake
    assertRejected(spanJson(ids("W47/95gDgQPSabYzgT/GDA==", SPAN)))
        .hasMessage(
            SPAN_PATH
                + "traceId: not a hex string (OTLP/JSON ids are hex, not base64); expected 32 hex"
                + " characters");
    assertRejected(spanJson(ids("zz" + TRACE.substring(2), SPAN)))
        .hasMessageStartingWith(SPAN_PATH + "traceId: not a hex string");
    // fullwidth digits are digits to Character.digit, not hex digits
    assertRejected(spanJson(ids("\uff11".repeat(32), SPAN)))
        .hasMessageStartingWith(SPAN_PATH + "traceId: not a hex string");
  }

  @Test
  void idsThatAreNotStringsAreRejected() {
    // collector: rejected (jsoniter ReadStringAsSlice: expects " or n)
    assertRejected(spanJson("\"traceId\":123,\"spanId\":\"" + SPAN + "\""))
        .hasMessage(SPAN_PATH + "traceId: expected a string of 32 hex characters, got a number");
    assertRejected(spanJson("\"traceId\":\"" + TRACE + "\",\"spanId\":[1]"))
        .hasMessage(SPAN_PATH + "spanId: expected a string of 16 hex characters, got an array");
  }

  @Test
  void nullIdIsAbsent() {
    // protobuf JSON mapping: null is the default value. The collector rejects null ids
    // (ReadStringAsSlice does not accept null); for a span's own ids the result is the same.
    assertRejected(spanJson("\"traceId\":null,\"spanId\":\"" + SPAN + "\""))
        .hasMessage(SPAN_PATH + "traceId: required, but empty or absent");
  }

  @Test
  void emptyOrAbsentParentSpanIdMakesARootSpan() throws Exception {
    // trace.proto: "If this is a root span, then this field must be empty"; collector: accepted
    Span empty = onlySpan(parseTraces(spanJson(ids(TRACE, SPAN) + ",\"parentSpanId\":\"\"")));
    Span absent = onlySpan(parseTraces(spanJson(ids(TRACE, SPAN))));
    Span child =
        onlySpan(
            parseTraces(spanJson(ids(TRACE, SPAN) + ",\"parentSpanId\":\"0102030405060708\"")));

    assertThat(empty.getParentSpanId()).isEqualTo(ByteString.EMPTY);
    assertThat(absent.getParentSpanId()).isEqualTo(ByteString.EMPTY);
    assertThat(Ids.hex(child.getParentSpanId())).isEqualTo("0102030405060708");
  }

  @Test
  void parentSpanIdOfTheWrongLengthIsRejected() {
    // collector: rejected ("length mismatch")
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"parentSpanId\":\"0102\""))
        .hasMessage(SPAN_PATH + "parentSpanId: expected 16 hex characters, got 4");
  }

  @Test
  void linkLogAndExemplarIdsAreEmptyOrOfExactLength() throws Exception {
    // logs.proto and metrics.proto make these ids optional; the collector rejects a wrong length
    // and accepts an empty id, and so does Shuttle
    assertRejected(
            spanJson(
                ids(TRACE, SPAN)
                    + ",\"links\":[{\"traceId\":\""
                    + TRACE
                    + "\",\"spanId\":\"01\"}]"))
        .hasMessage(SPAN_PATH + "links[0].spanId: expected 16 hex characters, got 2");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"abcd\"}]}]}]}",
                    ExportLogsServiceRequest.newBuilder()))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage(
            "resourceLogs[0].scopeLogs[0].logRecords[0].traceId: expected 32 hex characters, got 4");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{
                      "dataPoints":[{"asInt":"1","exemplars":[{"asInt":"1","spanId":"01"}]}]}}]}]}]}
                    """,
                    ExportMetricsServiceRequest.newBuilder()))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage(
            "resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].exemplars[0]"
                + ".spanId: expected 16 hex characters, got 2");

    ExportLogsServiceRequest.Builder logs = ExportLogsServiceRequest.newBuilder();
    parse(
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"\",\"spanId\":\"\"}]}]}]}",
        logs);
    assertThat(logs.getResourceLogs(0).getScopeLogs(0).getLogRecords(0))
        .isEqualTo(LogRecord.getDefaultInstance());
  }

  // ---------------------------------------------------------------- types

  @Test
  void stringFieldsRejectOtherJsonTypes() {
    // collector: rejected (jsoniter ReadString: expects " or n)
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"name\":5"))
        .hasMessage(SPAN_PATH + "name: expected a string, got a number");
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"name\":{\"a\":1}"))
        .hasMessage(SPAN_PATH + "name: expected a string, got an object");
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"name\":true"))
        .hasMessage(SPAN_PATH + "name: expected a string, got a boolean");
  }

  @Test
  void messageAndArrayFieldsRejectOtherJsonTypes() {
    assertRejected("{\"resourceSpans\": 5}")
        .hasMessage("resourceSpans: expected an array, got a number");
    assertRejected("{\"resourceSpans\": [5]}")
        .hasMessage("resourceSpans[0]: expected an object, got a number");
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"status\":\"OK\""))
        .hasMessage(SPAN_PATH + "status: expected an object, got a string");
  }

  @Test
  void enumsAcceptTheIntegerOrTheProtoName() throws Exception {
    // specification: senders MUST send integers; the protobuf mapping and the collector also
    // accept names (TestReadEnumValue "foo string"), and so does Shuttle
    Span byNumber = onlySpan(parseTraces(spanJson(ids(TRACE, SPAN) + ",\"kind\":2")));
    Span byName =
        onlySpan(parseTraces(spanJson(ids(TRACE, SPAN) + ",\"kind\":\"SPAN_KIND_SERVER\"")));

    assertThat(byNumber.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(byName.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
  }

  @Test
  void enumsRejectUnknownNames() {
    // collector: rejected (TestReadEnumValue "unknown string"); protobuf-java's JsonFormat with
    // ignoringUnknownFields silently drops it, which is how "BOGUS" used to pass
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"kind\":\"BOGUS\""))
        .hasMessage(SPAN_PATH + "kind: unknown SpanKind name \"BOGUS\" (send the integer value)");
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"kind\":\"2\""))
        .hasMessageContaining("unknown SpanKind name \"2\"");
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"kind\":true"))
        .hasMessage(SPAN_PATH + "kind: expected an integer or an enum name, got a boolean");
  }

  @Test
  void enumsAcceptUnknownIntegers() throws Exception {
    // proto3 enums are open; collector: accepted (TestReadEnumValue "unknown number")
    Span span = onlySpan(parseTraces(spanJson(ids(TRACE, SPAN) + ",\"kind\":42")));

    assertThat(span.getKindValue()).isEqualTo(42);
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.UNRECOGNIZED);
  }

  @Test
  void sixtyFourBitIntegersAreNumbersOrDecimalStrings() throws Exception {
    // specification: "either numbers or strings are accepted when decoding"; collector: both
    // (TestReadUint64 "number", "string")
    Span span =
        onlySpan(
            parseTraces(
                spanJson(
                    ids(TRACE, SPAN)
                        + ",\"startTimeUnixNano\":\"18446744073709551615\""
                        + ",\"endTimeUnixNano\":1.7e18")));

    assertThat(Long.toUnsignedString(span.getStartTimeUnixNano()))
        .isEqualTo("18446744073709551615");
    assertThat(span.getEndTimeUnixNano()).isEqualTo(1_700_000_000_000_000_000L);
  }

  @Test
  void integersMustBeIntegralAndInRange() {
    // collector: "-1" and "3.f14" rejected for unsigned fields (TestReadUint64, TestReadUint32)
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"startTimeUnixNano\":-1"))
        .hasMessage(
            SPAN_PATH
                + "startTimeUnixNano: expected an unsigned 64-bit integer, got -1 (out of range)");
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"startTimeUnixNano\":\"3.f14\""))
        .hasMessage(
            SPAN_PATH + "startTimeUnixNano: expected an unsigned 64-bit integer, got \"3.f14\"");
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"startTimeUnixNano\":1.5"))
        .hasMessage(SPAN_PATH + "startTimeUnixNano: expected an unsigned 64-bit integer, got 1.5");
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"droppedAttributesCount\":4294967296"))
        .hasMessageContaining("droppedAttributesCount: expected an unsigned 32-bit integer");
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"startTimeUnixNano\":true"))
        .hasMessage(
            SPAN_PATH + "startTimeUnixNano: expected an unsigned 64-bit integer, got a boolean");
  }

  @Test
  void hugeNumbersAreRejectedWithoutBeingExpanded() {
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"startTimeUnixNano\":1e999999999"))
        .hasMessageContaining("expected an unsigned 64-bit integer, got 1e999999999");
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"startTimeUnixNano\":\"1e-999999999\""))
        .hasMessageContaining("expected an unsigned 64-bit integer");
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"startTimeUnixNano\":" + "9".repeat(500)))
        .hasMessageContaining("got a number of 500 digits");
    assertRejected(
            spanJson(ids(TRACE, SPAN) + ",\"startTimeUnixNano\":\"" + "9".repeat(5000) + "\""))
        .hasMessageContaining("got a number of 5000 digits");
    // a literal longer than the JSON reader's buffer is malformed JSON to it
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"startTimeUnixNano\":" + "9".repeat(5000)))
        .hasMessageStartingWith("invalid JSON");
  }

  @Test
  void doublesAreNumbersOrStringsIncludingNanAndInfinity() throws Exception {
    // protobuf JSON mapping; collector: accepted (TestReadFloat64 "string", "Infinity", "NaN")
    ExportMetricsServiceRequest.Builder builder = ExportMetricsServiceRequest.newBuilder();
    parse(
        """
        {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[
          {"asDouble":1.5},{"asDouble":"-2.5"},{"asDouble":"NaN"},
          {"asDouble":"Infinity"},{"asDouble":"-Infinity"}]}}]}]}]}
        """,
        builder);

    assertThat(
            builder
                .getResourceMetrics(0)
                .getScopeMetrics(0)
                .getMetrics(0)
                .getGauge()
                .getDataPointsList())
        .extracting(NumberDataPoint::getAsDouble)
        .containsExactly(1.5, -2.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    // collector: "3.f14" rejected (TestReadFloat64 "wrong string")
    assertThatThrownBy(
            () ->
                parse(
                    "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"gauge\":"
                        + "{\"dataPoints\":[{\"asDouble\":\"3.f14\"}]}}]}]}]}",
                    ExportMetricsServiceRequest.newBuilder()))
        .hasMessageEndingWith("asDouble: expected a number, got \"3.f14\"");
  }

  @Test
  void booleansAreJsonBooleansOnly() {
    // collector: rejected (jsoniter ReadBool expects t or f)
    assertRejected(spanJson(ids(TRACE, SPAN) + attribute("{\"boolValue\":\"true\"}")))
        .hasMessage(
            SPAN_PATH + "attributes[0].value.boolValue: expected true or false, got a string");
  }

  @Test
  void bytesValuesAreBase64StandardOrUrlSafeWithOrWithoutPadding() throws Exception {
    // protobuf JSON mapping: "Either standard or URL-safe base64 encoding with/without paddings
    // are accepted". The collector accepts only standard, padded base64 (ReadBytes).
    for (String base64 : new String[] {"+/8=", "+/8", "-_8=", "-_8"}) {
      Span span =
          onlySpan(
              parseTraces(
                  spanJson(ids(TRACE, SPAN) + attribute("{\"bytesValue\":\"" + base64 + "\"}"))));
      assertThat(span.getAttributes(0).getValue().getBytesValue().toByteArray())
          .containsExactly(0xfb, 0xff);
    }
    assertRejected(spanJson(ids(TRACE, SPAN) + attribute("{\"bytesValue\":\"*\"}")))
        .hasMessage(SPAN_PATH + "attributes[0].value.bytesValue: not valid base64");
  }

  // ---------------------------------------------------------------- structure

  @Test
  void unknownFieldsAreIgnoredAtAnyDepthWhateverTheyHold() throws Exception {
    // specification: "OTLP/JSON receivers MUST ignore message fields with unknown names";
    // collector: ignored by default (TestJSONUnmarshalerDisallowUnknownFields). The old decoder
    // rewrote every "spanId" key in the tree, unknown fields included, and rejected these.
    String junk = "{\"spanId\":\"not hex\",\"traceId\":5,\"nested\":[{\"parentSpanId\":[]}]}";
    String json =
        """
        {"future":%1$s,"resourceSpans":[{"future":%1$s,"resource":{"future":%1$s},
          "scopeSpans":[{"future":%1$s,"scope":{"name":"s","future":%1$s},"spans":[
            {"traceId":"%2$s","spanId":"%3$s","future":%1$s,
             "attributes":[{"key":"k","future":%1$s,"value":{"stringValue":"v","future":%1$s}}],
             "status":{"code":1,"future":%1$s}}]}]}]}
        """
            .formatted(junk, TRACE, SPAN);

    Span span = onlySpan(parseTraces(json));

    assertThat(Ids.hex(span.getSpanId())).isEqualTo(SPAN);
    assertThat(span.getAttributes(0).getValue().getStringValue()).isEqualTo("v");
    assertThat(span.getStatus().getCodeValue()).isEqualTo(1);
    assertThat(span.getUnknownFields().asMap()).isEmpty();
  }

  @Test
  void lowerCamelCaseAndProtoFieldNamesAreBothAccepted() throws Exception {
    // specification: keys are lowerCamelCase; the protobuf mapping and the collector also accept
    // the proto names ("traceId", "trace_id" in the generated unmarshaler), and so does Shuttle
    Span span =
        onlySpan(
            parseTraces(
                "{\"resource_spans\":[{\"scope_spans\":[{\"spans\":[{\"trace_id\":\""
                    + TRACE
                    + "\",\"span_id\":\""
                    + SPAN
                    + "\",\"start_time_unix_nano\":\"7\"}]}]}]}"));

    assertThat(span.getStartTimeUnixNano()).isEqualTo(7);
  }

  @Test
  void nullMeansTheDefaultValue() throws Exception {
    // protobuf JSON mapping; collector: a null string is "" (jsoniter ReadString)
    Span span =
        onlySpan(
            parseTraces(
                spanJson(
                    ids(TRACE, SPAN)
                        + ",\"name\":null,\"attributes\":null,\"status\":null,\"kind\":null")));

    assertThat(span.getName()).isEmpty();
    assertThat(span.getAttributesList()).isEmpty();
    assertThat(span.hasStatus()).isFalse();
  }

  @Test
  void nullArrayElementsAreRejected() {
    assertRejected("{\"resourceSpans\":[null]}")
        .hasMessage("resourceSpans[0]: null is not allowed in an array");
  }

  @Test
  void aFieldGivenTwiceIsRejected() {
    // protobuf JSON mapping (protobuf-java's JsonFormat rejects it too); the collector keeps the
    // last value. Two values for one field make the request ambiguous, so Shuttle rejects it.
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"name\":\"a\",\"name\":\"b\""))
        .hasMessage(SPAN_PATH + "name: given twice");
    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"span_id\":\"" + SPAN + "\""))
        .hasMessage(SPAN_PATH + "spanId: given twice");
  }

  @Test
  void twoMembersOfAOneofAreRejected() {
    // protobuf JSON mapping; the collector keeps the last
    assertRejected(spanJson(ids(TRACE, SPAN) + attribute("{\"stringValue\":\"a\",\"intValue\":1}")))
        .hasMessage(
            SPAN_PATH + "attributes[0].value.intValue: only one field of 'value' may be set");
  }

  @Test
  void theBodyMustBeOneJsonObject() {
    assertRejected("").hasMessage("invalid JSON at line 1 column 1: unexpected end of input");
    assertRejected("[]").hasMessage("expected a JSON object, got an array");
    assertRejected("null").hasMessage("expected a JSON object, got null");
    assertRejected("{} {}").hasMessageStartingWith("invalid JSON");
    assertRejected("{}x").hasMessageStartingWith("invalid JSON");
  }

  @Test
  void syntaxErrorsGiveTheLineAndColumn() {
    assertRejected("{\"resourceSpans\": [")
        .hasMessage("invalid JSON at line 1 column 20: unexpected end of input");
    assertRejected("{\n \"resourceSpans\": [}")
        .hasMessageStartingWith("invalid JSON at line 2 column ");
    assertRejected("{'resourceSpans': []}")
        .hasMessageMatching("invalid JSON at line 1 column \\d+: malformed JSON");
    assertRejected("{\"resourceSpans\": [],}").hasMessageStartingWith("invalid JSON at line 1");
  }

  @Test
  void deepNestingIsRejectedWithoutOverflowingTheStack() {
    // protobuf's binary parser stops at 100 nested messages; an attribute value nests three
    // messages per level (AnyValue, KeyValueList, KeyValue)
    String nested = "{\"stringValue\":\"x\"}";
    for (int i = 0; i < 40; i++) {
      nested = "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":" + nested + "}]}}";
    }
    assertRejected(spanJson(ids(TRACE, SPAN) + attribute(nested)))
        .hasMessageContaining("messages nested deeper than 100");
    // unknown fields nest only as deep as the JSON reader allows
    String unknown = "[".repeat(100_000) + "]".repeat(100_000);
    assertRejected("{\"future\":" + unknown + "}").hasMessageStartingWith("invalid JSON");
  }

  @Test
  void invalidUtf8IsRejected() {
    // RFC 8259 requires UTF-8; the collector does not check (jsoniter copies the bytes)
    byte[][] invalid = {
      {(byte) 0xc3, 0x28}, // a lead byte without its continuation
      {(byte) 0xc0, (byte) 0xaf}, // an overlong '/'
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a UTF-16 surrogate encoded in UTF-8
      {(byte) 0xff}
    };
    for (byte[] bad : invalid) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(
          ("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{" + ids(TRACE, SPAN) + ",\"name\":\"")
              .getBytes(StandardCharsets.UTF_8));
      body.writeBytes(bad);
      body.writeBytes("\"}]}]}]}".getBytes(StandardCharsets.UTF_8));

      assertThatThrownBy(
              () ->
                  OtlpJson.merge(
                      new ByteArrayInputStream(body.toByteArray()),
                      ExportTraceServiceRequest.newBuilder()))
          .isInstanceOf(InvalidProtocolBufferException.class)
          .hasMessage("invalid UTF-8: the body is not UTF-8 text");
    }
  }

  @Test
  void validUtf8BytesDecodeExactly() throws Exception {
    String name = "grüße 🚀 \u2028";
    ExportTraceServiceRequest.Builder builder = ExportTraceServiceRequest.newBuilder();

    OtlpJson.merge(
        new ByteArrayInputStream(
            spanJson(ids(TRACE, SPAN) + ",\"name\":\"" + name + "\"")
                .getBytes(StandardCharsets.UTF_8)),
        builder);

    assertThat(onlySpan(builder.build()).getName()).isEqualTo(name);
  }

  // ---------------------------------------------------------------- messages

  @Test
  void errorMessagesQuoteReceivedTextOnlyAsAShortEscapedExcerpt() {
    String hostile = "\u001b]0;owned\u0007\n" + "x".repeat(10_000);

    assertRejected(spanJson(ids(TRACE, SPAN) + ",\"kind\":\"" + escapeJson(hostile) + "\""))
        .satisfies(
            e -> {
              assertThat(e.getMessage()).hasSizeLessThan(200);
              assertThat(e.getMessage())
                  .contains("\\u001b]0;owned\\u0007\\u000axxx")
                  .contains("...");
              assertThat(e.getMessage()).doesNotContain("\u001b", "\u0007", "\n");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "{\"resourceSpans\":[{]}",
        "{'a':1}",
        "{\"a\":01}",
        "{\"a\":NaN}",
        "{\"a\":\"\\x\"}",
        "{\"resourceSpans\":\"x\"}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":{}}]}]}]}",
        "{} trailing"
      })
  void errorMessagesNameNoJavaClassOrApi(String json) {
    assertRejected(json)
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain(
                        "Exception", "JsonReader", "Strictness", "com.google", "gson", "java.")
                    .doesNotContainPattern("[a-z]+\\.[a-z]+\\.[A-Z]")
                    .doesNotContain("\n"));
  }

  // ---------------------------------------------------------------- schema

  @Test
  void theSchemaHasNoMapOrWellKnownTypesTheDecoderWouldMisread() {
    // the decoder implements the mapping for the field kinds OTLP uses; this guards that
    // assumption when opentelemetry-proto is upgraded
    Set<Descriptor> seen = new HashSet<>();
    Deque<Descriptor> todo = new ArrayDeque<>();
    todo.add(ExportTraceServiceRequest.getDescriptor());
    todo.add(ExportMetricsServiceRequest.getDescriptor());
    todo.add(ExportLogsServiceRequest.getDescriptor());
    while (!todo.isEmpty()) {
      Descriptor type = todo.pop();
      if (!seen.add(type)) {
        continue;
      }
      assertThat(type.getFullName()).startsWith("opentelemetry.proto.");
      for (FieldDescriptor field : type.getFields()) {
        assertThat(field.isMapField()).as(field.getFullName()).isFalse();
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          todo.add(field.getMessageType());
        }
        if (field.getType() == FieldDescriptor.Type.BYTES) {
          assertThat(field.getName())
              .as(field.getFullName())
              .isIn("trace_id", "span_id", "parent_span_id", "bytes_value");
        }
      }
    }
    assertThat(seen).extracting(Descriptor::getName).contains("AnyValue", "Exemplar", "LogRecord");
  }

  @Test
  void everyFieldKindRoundTripsThroughPrintAndParse() throws Exception {
    ExportTraceServiceRequest request =
        OtlpJson.parseTraces(
            spanJson(
                ids(TRACE, SPAN)
                    + ",\"parentSpanId\":\"0102030405060708\",\"traceState\":\"a=b\",\"flags\":769"
                    + ",\"name\":\"n\",\"kind\":3,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\""
                    + ",\"attributes\":[{\"key\":\"s\",\"value\":{\"stringValue\":\"v\"}},"
                    + "{\"key\":\"b\",\"value\":{\"boolValue\":true}},"
                    + "{\"key\":\"i\",\"value\":{\"intValue\":\"-9007199254740993\"}},"
                    + "{\"key\":\"d\",\"value\":{\"doubleValue\":0.1}},"
                    + "{\"key\":\"y\",\"value\":{\"bytesValue\":\"AQI=\"}},"
                    + "{\"key\":\"a\",\"value\":{\"arrayValue\":{\"values\":[{\"intValue\":1}]}}},"
                    + "{\"key\":\"k\",\"value\":{\"kvlistValue\":{\"values\":"
                    + "[{\"key\":\"x\",\"value\":{}}]}}}]"
                    + ",\"droppedAttributesCount\":1,\"events\":[{\"timeUnixNano\":\"3\",\"name\":\"e\"}]"
                    + ",\"links\":[{\"traceId\":\""
                    + TRACE
                    + "\",\"spanId\":\""
                    + SPAN
                    + "\",\"flags\":256}]"
                    + ",\"status\":{\"code\":2,\"message\":\"bad\"}"));

    Span span = onlySpan(request);
    assertThat(span.getFlags()).isEqualTo(769);
    assertThat(span.getAttributes(2).getValue().getIntValue()).isEqualTo(-9_007_199_254_740_993L);
    assertThat(span.getAttributes(6).getValue().getKvlistValue().getValues(0).getValue())
        .isEqualTo(AnyValue.getDefaultInstance());
    assertThat(OtlpJson.parseTraces(OtlpJson.print(request))).isEqualTo(request);
  }

  // ---------------------------------------------------------------- helpers

  private static String spanJson(String spanFields) {
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{" + spanFields + "}]}]}]}";
  }

  private static String ids(String traceId, String spanId) {
    return "\"traceId\":\"" + traceId + "\",\"spanId\":\"" + spanId + "\"";
  }

  private static String attribute(String anyValue) {
    return ",\"attributes\":[{\"key\":\"a\",\"value\":" + anyValue + "}]";
  }

  private static String escapeJson(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static ExportTraceServiceRequest parseTraces(String json) throws Exception {
    return OtlpJson.parseTraces(json);
  }

  private static void parse(String json, Message.Builder builder) throws Exception {
    OtlpJson.merge(json, builder);
  }

  private static Span onlySpan(ExportTraceServiceRequest request) {
    return request.getResourceSpans(0).getScopeSpans(0).getSpans(0);
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable>
      assertRejected(String json) {
    return assertThatThrownBy(() -> OtlpJson.parseTraces(json))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }
}
