package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.rpc.Status;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Raw OTLP/HTTP requests, good and bad, answered per the OTLP specification. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpReceiverTest {
  private static final int LIMIT = 64 * 1024;
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  private OtlpReceiver receiver;
  private HttpClient client;

  @BeforeEach
  void start() throws IOException {
    receiver =
        OtlpReceiver.start(
            ReceiverConfig.builder()
                .httpPort(0)
                .grpcPort(ReceiverConfig.DISABLED)
                .maxBodyBytes(LIMIT)
                .build());
    client = HttpClient.newHttpClient();
  }

  @AfterEach
  void stop() {
    client.close();
    receiver.close();
  }

  static ExportTraceServiceRequest traces(String traceIdHex, String... spanIdsHex) {
    ResourceSpans.Builder resourceSpans =
        ResourceSpans.newBuilder()
            .setResource(
                Resource.newBuilder()
                    .addAttributes(
                        KeyValue.newBuilder()
                            .setKey("service.name")
                            .setValue(AnyValue.newBuilder().setStringValue("raw"))));
    var scope = resourceSpans.addScopeSpansBuilder();
    for (String spanId : spanIdsHex) {
      scope.addSpans(
          Span.newBuilder()
              .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(traceIdHex)))
              .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(spanId)))
              .setName("span-" + spanId)
              .setStartTimeUnixNano(1_000)
              .setEndTimeUnixNano(2_000));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(resourceSpans).build();
  }

  private HttpResponse<byte[]> post(String path, String type, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(receiver.httpEndpoint() + path))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) {
      request.header("Content-Type", type);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private void assertStillServes() throws Exception {
    long before = receiver.store().spansReceived();
    String traceId = randomHex(16);
    HttpResponse<byte[]> ok =
        post("/v1/traces", PROTOBUF, traces(traceId, randomHex(8)).toByteArray());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(receiver.store().spansReceived()).isEqualTo(before + 1);
    assertThat(receiver.store().trace(traceId)).isPresent();
  }

  private static Status statusOf(HttpResponse<byte[]> response) throws Exception {
    assertThat(response.headers().firstValue("Content-Type")).hasValue(PROTOBUF);
    return Status.parseFrom(response.body());
  }

  static String randomHex(int bytes) {
    byte[] id = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(id);
    id[0] |= 1; // never all zero
    return HexFormat.of().formatHex(id);
  }

  @Test
  void protobufRequestIsStoredAndAnsweredWithAnExportResponse() throws Exception {
    String traceId = randomHex(16);
    HttpResponse<byte[]> response =
        post("/v1/traces", PROTOBUF, traces(traceId, "0102030405060708").toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(PROTOBUF);
    assertThat(ExportTraceServiceResponse.parseFrom(response.body()).hasPartialSuccess()).isFalse();
    assertThat(receiver.store().trace(traceId).orElseThrow().spans())
        .extracting(StoredSpan::spanId)
        .containsExactly("0102030405060708");
  }

  @Test
  void emptyRequestsAreAccepted() throws Exception {
    assertThat(post("/v1/traces", PROTOBUF, new byte[0]).statusCode()).isEqualTo(200);
    assertThat(post("/v1/metrics", PROTOBUF, new byte[0]).statusCode()).isEqualTo(200);
    assertThat(post("/v1/logs", PROTOBUF, new byte[0]).statusCode()).isEqualTo(200);
    HttpResponse<byte[]> json = post("/v1/traces", JSON, "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.headers().firstValue("Content-Type")).hasValue(JSON);
    assertThat(new String(json.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertThat(receiver.store().spanCount()).isZero();
  }

  @Test
  void jsonRequestWithHexIdsRoundTripsThroughQueryAndDump() throws Exception {
    String traceId = "5b8efff798038103d269b633813fc60c";
    String json =
        """
        {"resourceSpans":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"json-svc"}}]},
          "scopeSpans":[{"scope":{"name":"s"},"spans":[
            {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"eee19b7ec3c1b174",
             "name":"root","kind":2,"startTimeUnixNano":"1000","endTimeUnixNano":"5000",
             "status":{"code":2,"message":"bad"}},
            {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b173",
             "parentSpanId":"eee19b7ec3c1b174","name":"child","kind":"SPAN_KIND_CLIENT",
             "startTimeUnixNano":2000,"endTimeUnixNano":3000,
             "links":[{"traceId":"0af7651916cd43dd8448eb211c80319c",
                       "spanId":"b7ad6b7169203331"}],
             "unknownField":true}]}]}]}
        """;
    HttpResponse<byte[]> response =
        post("/v1/traces", JSON + "; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(JSON);
    StoredTrace trace = receiver.store().trace(traceId).orElseThrow();
    assertThat(trace.spans())
        .extracting(StoredSpan::spanId, StoredSpan::parentSpanId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("eee19b7ec3c1b174", ""),
            org.assertj.core.groups.Tuple.tuple("eee19b7ec3c1b173", "eee19b7ec3c1b174"));
    assertThat(trace.spans().get(0).span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(trace.spans().get(1).span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(trace.serviceName()).isEqualTo("json-svc");

    OtlpDump dump = OtlpJson.parseDump(OtlpJson.dump(receiver.store()));
    Span child = dump.traces().getResourceSpans(0).getScopeSpans(0).getSpans(1);
    assertThat(Ids.hex(child.getTraceId())).isEqualTo(traceId);
    assertThat(Ids.hex(child.getSpanId())).isEqualTo("eee19b7ec3c1b173");
    assertThat(Ids.hex(child.getParentSpanId())).isEqualTo("eee19b7ec3c1b174");
    assertThat(Ids.hex(child.getLinks(0).getTraceId()))
        .isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(OtlpJson.dump(receiver.store()))
        .contains("\"spanId\": \"eee19b7ec3c1b173\"")
        .contains("\"traceId\": \"" + traceId + "\"");
  }

  @Test
  void jsonLogsAreStored() throws Exception {
    ExportLogsServiceRequest logs =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                io.opentelemetry.proto.logs.v1.ResourceLogs.newBuilder()
                    .addScopeLogs(
                        io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder()
                            .addLogRecords(
                                LogRecord.newBuilder()
                                    .setBody(AnyValue.newBuilder().setStringValue("hello"))
                                    .setTraceId(
                                        ByteString.copyFrom(
                                            HexFormat.of().parseHex(randomHex(16)))))))
            .build();
    HttpResponse<byte[]> response =
        post("/v1/logs", JSON, OtlpJson.print(logs).getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(receiver.store().logsAsRequest()).isEqualTo(logs);
    assertThat(receiver.store().logRecordCount()).isEqualTo(1);
  }

  @Test
  void gzipBodyIsDecompressed() throws Exception {
    String traceId = randomHex(16);
    byte[] body = gzip(traces(traceId, randomHex(8), randomHex(8)).toByteArray());

    HttpResponse<byte[]> response = post("/v1/traces", PROTOBUF, body, "Content-Encoding", "gzip");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(receiver.store().trace(traceId).orElseThrow().spans()).hasSize(2);
  }

  @Test
  void truncatedProtobufIsA400WithStatus() throws Exception {
    byte[] full = traces(randomHex(16), randomHex(8), randomHex(8)).toByteArray();
    byte[] truncated = Arrays.copyOf(full, full.length - 3);

    HttpResponse<byte[]> response = post("/v1/traces", PROTOBUF, truncated);

    assertThat(response.statusCode()).isEqualTo(400);
    Status status = statusOf(response);
    assertThat(status.getCode()).isEqualTo(3);
    assertThat(status.getMessage()).contains("malformed");
    assertThat(receiver.store().spanCount()).isZero();
    assertStillServes();
  }

  @Test
  void invalidJsonIsA400WithJsonStatus() throws Exception {
    HttpResponse<byte[]> response =
        post("/v1/traces", JSON, "{\"resourceSpans\": [".getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(JSON);
    Status.Builder status = Status.newBuilder();
    com.google.protobuf.util.JsonFormat.parser()
        .merge(new String(response.body(), StandardCharsets.UTF_8), status);
    assertThat(status.getCode()).isEqualTo(3);
    assertThat(status.getMessage()).contains("invalid JSON");
    assertStillServes();
  }

  @Test
  void jsonThatIsNotUtf8IsA400() throws Exception {
    byte[] valid =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"ok\"}]}]}]}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] broken = Arrays.copyOf(valid, valid.length);
    int nameAt = new String(valid, StandardCharsets.UTF_8).indexOf("ok");
    broken[nameAt] = (byte) 0xC3; // a lead byte whose continuation byte is missing
    broken[nameAt + 1] = (byte) 0x28;

    HttpResponse<byte[]> response = post("/v1/traces", JSON, broken);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("UTF-8");
    assertThat(receiver.store().spanCount()).isZero();
    assertStillServes();
  }

  @Test
  void protobufWithAnIdOfTheWrongLengthIsA400NamingTheField() throws Exception {
    ExportTraceServiceRequest good = traces(randomHex(16), randomHex(8));
    ExportTraceServiceRequest.Builder bad = good.toBuilder();
    bad.getResourceSpansBuilder(0)
        .getScopeSpansBuilder(0)
        .getSpansBuilder(0)
        .setTraceId(ByteString.copyFrom(new byte[] {1, 2}));

    HttpResponse<byte[]> response = post("/v1/traces", PROTOBUF, bad.build().toByteArray());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(statusOf(response).getMessage())
        .contains("resourceSpans[0].scopeSpans[0].spans[0].traceId")
        .contains("16 bytes");
    assertThat(receiver.store().spanCount()).isZero();
    assertStillServes();
  }

  @Test
  void base64IdsInJsonAreRejectedAsNotHex() throws Exception {
    String json =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"W47/95gDgQPSabYzgT/GDA==\","
            + "\"spanId\":\"7uGbfsPBsXQ=\",\"name\":\"x\"}]}]}]}";
    HttpResponse<byte[]> response = post("/v1/traces", JSON, json.getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("not a hex string");
    assertStillServes();
  }

  @Test
  void wrongContentTypeIsA415() throws Exception {
    HttpResponse<byte[]> response =
        post("/v1/traces", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(statusOf(response).getMessage()).contains("text/plain");
    assertStillServes();
  }

  @Test
  void unsupportedContentEncodingIsA415() throws Exception {
    HttpResponse<byte[]> response =
        post("/v1/traces", PROTOBUF, new byte[] {1, 2}, "Content-Encoding", "br");

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(statusOf(response).getMessage()).contains("Content-Encoding 'br'");
  }

  @Test
  void nonPostIsA405() throws Exception {
    HttpResponse<byte[]> response =
        client.send(
            HttpRequest.newBuilder(URI.create(receiver.httpEndpoint() + "/v1/traces"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    assertThat(statusOf(response).getMessage()).contains("GET");
    assertStillServes();
  }

  @Test
  void unknownPathIsA404() throws Exception {
    HttpResponse<byte[]> response = post("/v1/profiles", PROTOBUF, new byte[0]);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(statusOf(response).getMessage()).contains("/v1/profiles");
  }

  @Test
  void oversizedBodyIsA413() throws Exception {
    byte[] body = new byte[LIMIT + 1];

    HttpResponse<byte[]> response = post("/v1/traces", PROTOBUF, body);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(statusOf(response).getMessage()).contains(Integer.toString(LIMIT));
    assertStillServes();
  }

  @Test
  void oversizedChunkedBodyWithoutContentLengthIsA413() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(receiver.httpEndpoint() + "/v1/traces"))
            .header("Content-Type", PROTOBUF)
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(new byte[LIMIT + 100])))
            .build();

    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(413);
    assertStillServes();
  }

  @Test
  void gzipBombIsA413AndMemoryStaysBounded() throws Exception {
    // 64 MiB of zeros compress to about 64 KiB; the decompressed limit is 64 KiB.
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
      byte[] zeros = new byte[1024 * 1024];
      for (int i = 0; i < 64; i++) {
        out.write(zeros);
      }
    }
    byte[] bomb = compressed.toByteArray();
    assertThat(bomb.length).isLessThan(LIMIT * 2);
    // The body must pass the compressed limit, so that the decompressed limit is what stops it.
    byte[] body = bomb.length <= LIMIT ? bomb : Arrays.copyOf(bomb, LIMIT);

    Runtime runtime = Runtime.getRuntime();
    HttpResponse<byte[]> response = post("/v1/traces", PROTOBUF, body, "Content-Encoding", "gzip");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(statusOf(response).getMessage()).contains("decompressed body");
    assertThat(runtime.totalMemory() - runtime.freeMemory()).isLessThan(runtime.maxMemory());
    assertStillServes();
  }

  @Test
  void corruptGzipIsA400() throws Exception {
    HttpResponse<byte[]> response =
        post(
            "/v1/traces",
            PROTOBUF,
            new byte[] {0x1f, (byte) 0x8b, 9, 9, 9},
            "Content-Encoding",
            "gzip");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(statusOf(response).getMessage()).contains("gzip");
    assertStillServes();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(data);
    }
    return out.toByteArray();
  }
}
