package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtlpJsonTest {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final String SPAN = "eee19b7ec3c1b174";

  @Test
  void printsIdsAsHexAndEnumsAsIntegers() {
    ExportTraceServiceRequest request = HttpReceiverTest.traces(TRACE, SPAN);
    ExportTraceServiceRequest withKind =
        request.toBuilder()
            .setResourceSpans(
                0,
                request.getResourceSpans(0).toBuilder()
                    .setScopeSpans(
                        0,
                        request.getResourceSpans(0).getScopeSpans(0).toBuilder()
                            .setSpans(
                                0,
                                request.getResourceSpans(0).getScopeSpans(0).getSpans(0).toBuilder()
                                    .setKind(Span.SpanKind.SPAN_KIND_CONSUMER)
                                    .setParentSpanId(
                                        ByteString.copyFrom(
                                            HexFormat.of().parseHex("0102030405060708"))))))
            .build();

    String json = OtlpJson.print(withKind);

    assertThat(json)
        .contains("\"traceId\":\"" + TRACE + "\"")
        .contains("\"spanId\":\"" + SPAN + "\"")
        .contains("\"parentSpanId\":\"0102030405060708\"")
        .contains("\"kind\":5");
  }

  @Test
  void parsesWhatItPrints() throws Exception {
    ExportTraceServiceRequest request = HttpReceiverTest.traces(TRACE, SPAN, "0000000000000001");

    assertThat(OtlpJson.parseTraces(OtlpJson.print(request))).isEqualTo(request);
  }

  @Test
  void exemplarIdsAreHexToo() throws Exception {
    ExportMetricsServiceRequest request =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("g")
                                    .setGauge(
                                        Gauge.newBuilder()
                                            .addDataPoints(
                                                NumberDataPoint.newBuilder()
                                                    .setAsDouble(1.5)
                                                    .addExemplars(
                                                        Exemplar.newBuilder()
                                                            .setAsInt(1)
                                                            .setTraceId(Ids.fromHex(TRACE))
                                                            .setSpanId(Ids.fromHex(SPAN))))))))
            .build();

    String json = OtlpJson.print(request);
    ExportMetricsServiceRequest.Builder parsed = ExportMetricsServiceRequest.newBuilder();
    OtlpJson.merge(json, parsed);

    assertThat(json).contains(TRACE).contains(SPAN);
    assertThat(parsed.build()).isEqualTo(request);
  }

  @Test
  void acceptsSnakeCaseKeysAndEnumNames() throws Exception {
    String json =
        "{\"resource_spans\":[{\"scope_spans\":[{\"spans\":[{\"trace_id\":\""
            + TRACE
            + "\",\"span_id\":\""
            + SPAN
            + "\",\"kind\":\"SPAN_KIND_SERVER\",\"status\":{\"code\":1}}]}]}]}";

    Span span = OtlpJson.parseTraces(json).getResourceSpans(0).getScopeSpans(0).getSpans(0);

    assertThat(Ids.hex(span.getTraceId())).isEqualTo(TRACE);
    assertThat(Ids.hex(span.getSpanId())).isEqualTo(SPAN);
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(span.getStatus().getCode())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_OK);
  }

  @Test
  void rejectsInvalidInputWithAClearMessage() {
    assertThatThrownBy(() -> OtlpJson.parseTraces("{\"resourceSpans\": ["))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("invalid JSON");
    assertThatThrownBy(() -> OtlpJson.parseTraces("{} trailing"))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(
            () ->
                OtlpJson.parseTraces(
                    "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\"}]}]}]}"))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("traceId: not a hex string");
    assertThatThrownBy(() -> OtlpJson.parseTraces("{\"resourceSpans\": 5}"))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void dumpWritesOneObjectThatParsesBack(@TempDir Path dir) throws Exception {
    TelemetryStore store = TelemetryStore.create();
    store.addTraces(HttpReceiverTest.traces(TRACE, SPAN, "00000000000000aa"));
    store.addTraces(
        HttpReceiverTest.traces("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"));
    Path file = dir.resolve("dump.json");

    OtlpJson.dump(store, file);

    JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    assertThat(root.keySet()).containsExactly("resourceSpans", "resourceMetrics", "resourceLogs");
    assertThat(
            root.getAsJsonArray("resourceSpans")
                .get(0)
                .getAsJsonObject()
                .getAsJsonArray("scopeSpans")
                .get(0)
                .getAsJsonObject()
                .getAsJsonArray("spans")
                .get(0)
                .getAsJsonObject()
                .get("traceId")
                .getAsString())
        .isEqualTo(TRACE);
    OtlpDump dump = OtlpJson.readDump(file);
    assertThat(dump.traces()).isEqualTo(store.tracesAsRequest());
    assertThat(dump.traces().getResourceSpans(0).getScopeSpans(0).getSpansCount()).isEqualTo(3);
    assertThat(dump.metrics().getResourceMetricsCount()).isZero();
    assertThat(dump.logs().getResourceLogsCount()).isZero();
  }
}
