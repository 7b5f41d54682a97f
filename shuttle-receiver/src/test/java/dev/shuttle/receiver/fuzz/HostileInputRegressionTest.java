package dev.shuttle.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.shuttle.receiver.FuzzAccess;
import dev.shuttle.receiver.OtlpDump;
import dev.shuttle.receiver.OtlpJson;
import dev.shuttle.receiver.StoredTrace;
import dev.shuttle.receiver.TelemetryStore;
import dev.shuttle.receiver.render.MetricsRenderer;
import dev.shuttle.receiver.render.TraceRenderer;
import io.grpc.Status;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Plain regression tests for what the fuzz tests found, and for the hostile cases along the
 * paths the existing tests do not take: from the wire through decoding, the store, the dump file
 * and the renderers, and the same request in both encodings.
 *
 * <p>What the decoders answer to each single hostile value is tested in {@code
 * OtlpJsonValidationTest}, {@code OtlpValidationTest} and {@code GrpcReceiverTest}; how each
 * hostile string renders, in {@code TerminalInjectionTest}. The JSON corpus read here is the fuzz
 * test's seed directory, {@code OtlpJsonFuzzTestInputs/decode}.
 */
class HostileInputRegressionTest {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final String SPAN = "eee19b7ec3c1b174";
  private static final String CORPUS = "OtlpJsonFuzzTestInputs/decode/";

  // ------------------------------------------------------------ found by fuzzing and its seeds

  @Test
  void loneSurrogateEscapeInAJsonStringIsRejected() {
    // Found by the JSON fuzz test's oracle (decode, then protobuf round trip and dump): "\ud800"
    // was accepted, protobuf then wrote it as '?', and OtlpJson.dump(store, file) threw
    // UnmappableCharacterException, so --dump wrote no file at all.
    for (String name : List.of("x\\ud800y", "x\\udc00", "end\\ud83d", "\\ude80\\ud83d")) {
      assertThatThrownBy(() -> OtlpJson.parseTraces(spanJson(",\"name\":\"" + name + "\"")))
          .isInstanceOf(InvalidProtocolBufferException.class)
          .hasMessageStartingWith(
              "resourceSpans[0].scopeSpans[0].spans[0].name: not valid Unicode: a lone surrogate"
                  + " \\u");
    }
  }

  @Test
  void aSurrogatePairEscapeIsAcceptedAndTheDumpFileHoldsIt(@TempDir Path dir) throws Exception {
    ExportTraceServiceRequest request =
        OtlpJson.parseTraces(spanJson(",\"name\":\"rocket \\ud83d\\ude80\""));
    TelemetryStore store = TelemetryStore.create();
    store.addTraces(request);

    Path file = dir.resolve("dump.json");
    OtlpJson.dump(store, file);

    OtlpDump dump = OtlpJson.readDump(file);
    assertThat(dump.traces().getResourceSpans(0).getScopeSpans(0).getSpans(0).getName())
        .isEqualTo("rocket 🚀");
  }

  @Test
  void grpcErrorsDoNotNameProtobufsJavaApi() {
    // Found by the protobuf fuzz test at once: descriptions such as "CodedInputStream encountered
    // a malformed varint." and "... Use CodedInputStream.setRecursionLimit() to increase the
    // depth limit." went to clients.
    byte[] malformedVarint = {
      0x0a,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      0x01
    };
    byte[] negativeSize = {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    byte[] tooDeep = nestedAttribute(60).toByteArray(); // three messages per level

    assertThat(grpcError(malformedVarint))
        .isEqualTo("malformed request: found a malformed varint.");
    assertThat(grpcError(negativeSize))
        .isEqualTo(
            "malformed request: found an embedded string or message which claimed to have"
                + " negative size.");
    assertThat(grpcError(tooDeep))
        .isEqualTo(
            "malformed request: Protocol message had too many levels of nesting. May be"
                + " malicious.");
  }

  @Test
  void deeplyNestedJsonErrorsNameTheFieldInShort() {
    // Found by the seed corpus (deep-attribute-nesting.json): the message held the whole path of
    // 101 nested fields, 988 chars.
    String nested = "{\"stringValue\":\"x\"}";
    for (int i = 0; i < 40; i++) {
      nested = "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":" + nested + "}]}}";
    }
    String json = spanJson(",\"attributes\":[{\"key\":\"a\",\"value\":" + nested + "}]");

    assertThatThrownBy(() -> OtlpJson.parseTraces(json))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .satisfies(
            e -> {
              assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(FuzzOracle.MAX_ERROR_CHARS);
              assertThat(e.getMessage())
                  .startsWith("resourceSpans[0].scopeSpans[0].spans[0].attributes[0]...")
                  .endsWith(".value.kvlistValue.values[0].value: messages nested deeper than 100");
            });
  }

  @Test
  void anExcerptOfControlCharactersKeepsTheMessageShort() {
    // Found by the JSON fuzz test (seed 7, in two minutes): a number followed by DEL characters
    // was quoted as 64 escapes of 6 chars each, a 407-char message. An excerpt now also stops at
    // twice its code points in chars.
    String number = "1767225600016500" + "\u007f".repeat(200);
    String json = spanJson(",\"endTimeUnixNano\":\"" + number + "\"");

    assertThatThrownBy(() -> OtlpJson.parseTraces(json))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageStartingWith(
            "resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano: expected an unsigned 64-bit"
                + " integer, got \"1767225600016500\\u007f")
        .hasMessageEndingWith("...\"")
        .satisfies(e -> FuzzOracle.assertCleanError(e.getMessage(), json));
    assertThat(FuzzAccess.excerpt("\0".repeat(100))).isEqualTo("\\u0000".repeat(21) + "...");
    assertThat(FuzzAccess.excerpt("🚀".repeat(100))).isEqualTo("🚀".repeat(64) + "...");
  }

  // ------------------------------------------------------------ the cases, end to end

  @ParameterizedTest
  @ValueSource(
      strings = {
        "issue-terminal-injection-in-every-span-field.json",
        "issue-terminal-injection-in-every-metric-field.json"
      })
  void injectionStringsSentAsJsonEscapesArriveIntactAndRenderEscaped(String file) {
    byte[] body = corpus(file);
    Message request = decodeJson(file, body);

    FuzzOracle.assertAcceptedRequestIsSound(request);
    String shown = render(request);
    assertThat(shown)
        .contains("\\u001b]0;pwned\\u0007\\u001b[2J\\n└─ forged (server)\\r\\u009b31m")
        .contains("\\u202e\\u2066\\u200b\\u2028\\ufeff\\u{e0041}\\\\n")
        .doesNotContain("\u001b]", "\u0007", "\r", "\u009b", "\u202e");
  }

  @ParameterizedTest
  @ValueSource(strings = {"example-traces.json", "example-metrics.json", "example-logs.json"})
  void exampleExportsDecodeStoreDumpAndRender(String file) {
    FuzzOracle.assertAcceptedRequestIsSound(decodeJson(file, corpus(file)));
  }

  static Stream<Arguments> invalidIds() {
    return Stream.of(
        Arguments.of("abcd", SPAN, "traceId"),
        Arguments.of("", SPAN, "traceId"),
        Arguments.of("00000000000000000000000000000000", SPAN, "traceId"),
        Arguments.of(TRACE, "0102", "spanId"),
        Arguments.of(TRACE, "", "spanId"),
        Arguments.of(TRACE, "0000000000000000", "spanId"));
  }

  @ParameterizedTest
  @MethodSource("invalidIds")
  void anInvalidIdIsRefusedAtTheSamePathInJsonAndOverGrpc(
      String traceId, String spanId, String field) {
    String path = "resourceSpans[0].scopeSpans[0].spans[0]." + field + ": ";
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .addSpans(
                                Span.newBuilder()
                                    .setTraceId(hex(traceId))
                                    .setSpanId(hex(spanId))
                                    .setName("n"))))
            .build();

    String json =
        spanJson("\"traceId\":\"" + traceId + "\",\"spanId\":\"" + spanId + "\"", "\"name\":\"n\"");
    assertThatThrownBy(() -> OtlpJson.parseTraces(json))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageStartingWith(path)
        .satisfies(e -> FuzzOracle.assertCleanError(e.getMessage(), json));
    FuzzAccess.GrpcDecoded overGrpc =
        FuzzAccess.grpcDecode(ExportTraceServiceRequest.parser(), request.toByteArray());
    assertThat(overGrpc.failure()).isNotNull();
    assertThat(overGrpc.failure().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(overGrpc.failure().getDescription()).startsWith("malformed request: " + path);
  }

  @Test
  void theDeepestRequestProtobufAcceptsAlsoRoundTripsThroughJson() {
    int deepest = 0;
    while (parses(nestedAttribute(deepest + 1))) {
      deepest++;
    }
    ExportTraceServiceRequest request = nestedAttribute(deepest);

    assertThat(deepest).as("levels protobuf accepts").isPositive();
    FuzzOracle.assertAcceptedRequestIsSound(request);
  }

  @Test
  void theSeedExportsSurviveTheDumpFile(@TempDir Path dir) throws IOException {
    TelemetryStore store = TelemetryStore.create();
    Stream.concat(
            Seeds.sdkExports().stream().map(export -> parse(export.signal(), export.binary())),
            Seeds.builtRequests().stream())
        .forEach(
            request -> {
              switch (request) {
                case ExportTraceServiceRequest traces -> store.addTraces(traces);
                case ExportMetricsServiceRequest metrics -> store.addMetrics(metrics);
                case ExportLogsServiceRequest logs -> store.addLogs(logs);
                default -> throw new AssertionError(request.getClass());
              }
            });
    Path file = dir.resolve("dump.json");

    OtlpJson.dump(store, file);
    OtlpDump dump = OtlpJson.readDump(file);

    assertThat(store.spanCount()).isGreaterThan(3);
    assertThat(dump.traces()).isEqualTo(store.tracesAsRequest());
    assertThat(dump.metrics()).isEqualTo(store.metricsAsRequest());
    assertThat(dump.logs()).isEqualTo(store.logsAsRequest());
    FuzzOracle.assertRendersSafely(store);
  }

  @Test
  void theSdkSeedExportsAreTheSameOnEveryRun() {
    // the fuzzers' seeds must not vary, so that a failure found with a fixed libFuzzer seed in CI
    // reproduces on another machine
    List<Seeds.Marshalled> first = Seeds.sdkExports();
    List<Seeds.Marshalled> second = Seeds.sdkExports();

    assertThat(first)
        .extracting(Seeds.Marshalled::signal)
        .containsExactly("traces", "metrics", "logs");
    assertThat(second).isEqualTo(first);
  }

  // ------------------------------------------------------------ helpers

  private static String grpcError(byte[] body) {
    FuzzAccess.GrpcDecoded decoded =
        FuzzAccess.grpcDecode(ExportTraceServiceRequest.parser(), body);
    Status failure = Objects.requireNonNull(decoded.failure(), "refused");
    assertThat(failure.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    FuzzOracle.assertCleanError(failure.getDescription(), body);
    return failure.getDescription();
  }

  /** A valid span whose one attribute nests key-value lists {@code levels} deep. */
  private static ExportTraceServiceRequest nestedAttribute(int levels) {
    AnyValue value = AnyValue.newBuilder().setStringValue("x").build();
    for (int i = 0; i < levels; i++) {
      value =
          AnyValue.newBuilder()
              .setKvlistValue(
                  KeyValueList.newBuilder()
                      .addValues(KeyValue.newBuilder().setKey("k").setValue(value)))
              .build();
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .addSpans(
                            Span.newBuilder()
                                .setTraceId(hex(TRACE))
                                .setSpanId(hex(SPAN))
                                .addAttributes(KeyValue.newBuilder().setKey("a").setValue(value)))))
        .build();
  }

  private static boolean parses(ExportTraceServiceRequest request) {
    return FuzzAccess.grpcDecode(ExportTraceServiceRequest.parser(), request.toByteArray())
            .failure()
        == null;
  }

  private static Message decodeJson(String file, byte[] body) {
    Message.Builder builder =
        file.contains("metric")
            ? ExportMetricsServiceRequest.newBuilder()
            : file.contains("log")
                ? ExportLogsServiceRequest.newBuilder()
                : ExportTraceServiceRequest.newBuilder();
    try {
      OtlpJson.merge(new ByteArrayInputStream(body), builder);
    } catch (IOException e) {
      throw new AssertionError(file + " was refused: " + e.getMessage(), e);
    }
    return builder.build();
  }

  private static Message parse(String signal, byte[] body) {
    try {
      return switch (signal) {
        case "traces" -> ExportTraceServiceRequest.parseFrom(body);
        case "metrics" -> ExportMetricsServiceRequest.parseFrom(body);
        default -> ExportLogsServiceRequest.parseFrom(body);
      };
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static String render(Message request) {
    TelemetryStore store = TelemetryStore.create();
    StringBuilder out = new StringBuilder();
    if (request instanceof ExportTraceServiceRequest traces) {
      store.addTraces(traces);
      for (StoredTrace trace : store.traces()) {
        out.append(TraceRenderer.plain().render(trace));
      }
    } else if (request instanceof ExportMetricsServiceRequest metrics) {
      store.addMetrics(metrics);
      out.append(MetricsRenderer.plain().render(store.resourceMetrics()));
    }
    return out.toString();
  }

  private static byte[] corpus(String file) {
    try (InputStream in = HostileInputRegressionTest.class.getResourceAsStream(CORPUS + file)) {
      return Objects.requireNonNull(in, file).readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String spanJson(String fields) {
    return spanJson("\"traceId\":\"" + TRACE + "\",\"spanId\":\"" + SPAN + "\"", fields);
  }

  private static String spanJson(String ids, String fields) {
    String rest = fields.startsWith(",") || fields.isEmpty() ? fields : "," + fields;
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{" + ids + rest + "}]}]}]}";
  }

  private static ByteString hex(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  /**
   * Found by HttpReceiverFuzzTest: a content type the client sent, quoted and cut, ended in "java"
   * followed by the cut mark, which the oracle read as the package prefix "java.". The oracle still
   * refuses a message that names a Java class the client did not send.
   */
  @Test
  void aQuotedExcerptCutAfterJavaIsNotAJavaName() {
    FuzzOracle.assertCleanError(
        "unsupported content-type 'xsjava...'; use application/x-protobuf or application/json",
        "xsjavaq/other");
    assertThatThrownBy(
            () ->
                FuzzOracle.assertCleanError(
                    "failed: java.lang.IllegalStateException", "application/json"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("names Java internals");
  }
}
