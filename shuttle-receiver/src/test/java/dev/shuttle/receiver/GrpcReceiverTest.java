package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OTLP/gRPC answers client errors with the statuses the OTLP specification names and logs them
 * without stack traces.
 *
 * <p>References: the OTLP specification, "OTLP/gRPC Response, Failures" (bad data that cannot be
 * deserialized: {@code INVALID_ARGUMENT}, not retryable) and "OTLP/gRPC Request" (a message beyond
 * the server's size limit: {@code RESOURCE_EXHAUSTED}). Requests are sent by grpc-java's own client
 * with a raw-bytes marshaller, so the server sees exactly the bytes a broken or hostile exporter
 * would send; connection-level garbage is written on a plain socket. Log records are captured from
 * {@code java.util.logging}, where grpc-java logs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcReceiverTest {
  private static final int LIMIT = 1 << 20;
  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          String logger = String.valueOf(record.getLoggerName());
          if ((logger.startsWith("io.grpc") || logger.startsWith("dev.shuttle.receiver"))
              && isLoggable(record)) {
            records.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private OtlpReceiver receiver;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    Logger.getLogger("").addHandler(capture);
    receiver =
        OtlpReceiver.start(
            ReceiverConfig.builder()
                .httpPort(ReceiverConfig.DISABLED)
                .grpcPort(0)
                .maxBodyBytes(LIMIT)
                .build());
    channel =
        NettyChannelBuilder.forAddress(
                new java.net.InetSocketAddress(
                    InetAddress.getLoopbackAddress(), receiver.grpcPort()))
            .usePlaintext()
            .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    try {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      receiver.close();
    } finally {
      Logger.getLogger("").removeHandler(capture);
    }
  }

  @Test
  void malformedProtobufAnswersInvalidArgument() throws Exception {
    byte[] valid = traces(HttpReceiverTest.randomHex(16)).toByteArray();
    byte[][] malformed = {
      {(byte) 0xff, 1, 2, 3}, // an invalid wire type
      Arrays.copyOf(valid, valid.length - 3), // truncated
      {0x0a, 0x05, 0x1a, 0x03, (byte) 0xc3, 0x28, 0x41} // invalid UTF-8 in resource schemaUrl
    };
    for (String method : exportMethods()) {
      for (byte[] body : malformed) {
        Status status = call(method, body, CallOptions.DEFAULT);

        assertThat(status.getCode()).as(method).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).startsWith("malformed request: ");
      }
    }
    assertStillServes();
    receiver.close(); // lets every call finish, and log if it would
    assertThat(records).isEmpty();
  }

  @Test
  void invalidIdsAnswerInvalidArgumentWithTheFieldPath() throws Exception {
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(
                io.opentelemetry.proto.trace.v1.ResourceSpans.newBuilder()
                    .addScopeSpans(
                        io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder()
                            .addSpans(
                                Span.newBuilder()
                                    .setTraceId(Ids.fromHex("abcd"))
                                    .setSpanId(Ids.fromHex("eee19b7ec3c1b174")))))
            .build();

    Status status = call(traceExport(), request.toByteArray(), CallOptions.DEFAULT);

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription())
        .isEqualTo(
            "malformed request: resourceSpans[0].scopeSpans[0].spans[0].traceId: expected 16"
                + " bytes, got 2");
    assertThat(receiver.store().spansReceived()).isZero();
    receiver.close();
    assertThat(records).isEmpty();
  }

  @Test
  void aMessageBeyondTheLimitAnswersResourceExhaustedWithoutAStackTrace() throws Exception {
    Status status = call(traceExport(), withUnknownField(2 * LIMIT), CallOptions.DEFAULT);

    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertStillServes();
    receiver.close();
    // grpc-netty logged this at WARNING with a stack trace; now one line at FINE
    assertThat(records).isEmpty();
  }

  @Test
  void aDecompressionBombAnswersResourceExhausted() throws Exception {
    // 16 MiB of zeros in a field the receiver does not know: about 16 KiB once gzipped, far
    // below the limit on the wire, sixteen times the limit when inflated
    byte[] bomb = withUnknownField(16 * LIMIT);

    Status status = call(traceExport(), bomb, CallOptions.DEFAULT.withCompression("gzip"));

    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains("exceeds maximum size " + LIMIT);
    assertStillServes();
    receiver.close();
    assertThat(records).isEmpty();
  }

  @Test
  void aBusyDecodeBudgetAnswersUnavailableWhichExportersRetry() throws Exception {
    // given: every byte of the budget held, as by other requests being decoded
    DecodeBudget budget = receiver.decodeBudget();
    byte[] export = traces(HttpReceiverTest.randomHex(16)).toByteArray();
    Status status;
    try (DecodeBudget.Reservation everything =
        budget.tryReserve(budget.capacity(), Duration.ofSeconds(1))) {
      assertThat(everything).isNotNull();

      // when
      status = call(traceExport(), export, CallOptions.DEFAULT);
    }

    // then: the OTLP specification makes UNAVAILABLE retryable
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(receiver.store().spansReceived()).isZero();
    assertStillServes();
  }

  @Test
  void aMessageTheDecodeBudgetCouldNeverHoldAnswersResourceExhausted() throws Exception {
    // given: a receiver whose decode budget holds less than one message's decoding cost
    receiver.close();
    receiver =
        OtlpReceiver.start(
            ReceiverConfig.builder()
                .httpPort(ReceiverConfig.DISABLED)
                .grpcPort(0)
                .maxBodyBytes(LIMIT)
                .serverOptions(ServerOptions.defaults().withDecodeBudgetBytes(64 * 1024))
                .build());
    channel.shutdownNow();
    channel =
        NettyChannelBuilder.forAddress(
                new java.net.InetSocketAddress(
                    InetAddress.getLoopbackAddress(), receiver.grpcPort()))
            .usePlaintext()
            .build();

    // when: 20 KB of message costs about 120 KB to decode
    Status status = call(traceExport(), withUnknownField(20_000), CallOptions.DEFAULT);

    // then: final, not retryable (no RetryInfo), and saying what to do
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains("send smaller batches");
    assertStillServes();
  }

  @Test
  void anErrorWhileStoringAnswersUnavailableAndTheReceiverKeepsServing() throws Exception {
    SpanListener failing =
        spans -> {
          throw new OutOfMemoryError("simulated");
        };
    receiver.store().addListener(failing);

    Status status =
        call(
            traceExport(),
            traces(HttpReceiverTest.randomHex(16)).toByteArray(),
            CallOptions.DEFAULT);

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).doesNotContain("Error").doesNotContain("java.");
    receiver.store().removeListener(failing);
    assertStillServes();
  }

  @Test
  void garbageAfterTheHttp2PrefaceLogsOneLine() throws Exception {
    rawConnection(
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nthis is not an HTTP/2 frame, just garbage bytes");

    LogRecord record = awaitOneRecord();
    assertThat(record.getLevel()).isEqualTo(Level.INFO);
    assertThat(record.getThrown()).isNull();
    assertThat(record.getMessage())
        .startsWith("OTLP/gRPC: closed a connection after a protocol error: ")
        .contains("SETTINGS")
        .doesNotContain("\n");
    assertStillServes();
  }

  @Test
  void anHttp1RequestOnTheGrpcPortLogsOneLine() throws Exception {
    // netty quotes the request line when "HTTP/1." is among the first 1024 bytes
    String hostilePath = "/\u001b]0;owned\u0007" + "x".repeat(300);
    rawConnection("GET " + hostilePath + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

    LogRecord record = awaitOneRecord();
    assertThat(record.getThrown()).isNull();
    assertThat(record.getMessage())
        .contains("HTTP/1.x request")
        .hasSizeLessThan(250)
        .doesNotContain("\u001b", "\u0007", "\n");
  }

  @Test
  void gzipExportsStillSucceed() throws Exception {
    String traceId = HttpReceiverTest.randomHex(16);

    TraceServiceGrpc.newBlockingStub(channel).withCompression("gzip").export(traces(traceId));

    assertThat(receiver.store().trace(traceId)).isPresent();
    assertThat(records).isEmpty();
  }

  private static List<String> exportMethods() {
    return List.of(
        traceExport(),
        MetricsServiceGrpc.getExportMethod().getFullMethodName(),
        LogsServiceGrpc.getExportMethod().getFullMethodName());
  }

  private static String traceExport() {
    return TraceServiceGrpc.getExportMethod().getFullMethodName();
  }

  private static ExportTraceServiceRequest traces(String traceId) {
    return HttpReceiverTest.traces(traceId, HttpReceiverTest.randomHex(8));
  }

  /** A valid empty request plus one unknown bytes field of the given size. */
  private static byte[] withUnknownField(int size) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(size + 16);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeByteArray(1000, new byte[size]);
    out.flush();
    return bytes.toByteArray();
  }

  /** Calls an export method with raw bytes; returns the status, OK on success. */
  private Status call(String method, byte[] body, CallOptions options) {
    MethodDescriptor<byte[], byte[]> raw =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(method)
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    try {
      ClientCalls.blockingUnaryCall(
          channel, raw, options.withDeadlineAfter(30, TimeUnit.SECONDS), body);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  /** Writes the text on a new connection and reads until the server closes it. */
  private void rawConnection(String text) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), receiver.grpcPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
      socket.getInputStream().readAllBytes();
    }
  }

  /** Waits for the first log record, then checks it stays the only one. */
  private LogRecord awaitOneRecord() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (records.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(records).as("log records").hasSize(1);
    return records.getFirst();
  }

  private void assertStillServes() throws Exception {
    String traceId = HttpReceiverTest.randomHex(16);
    TraceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .export(traces(traceId));
    assertThat(receiver.store().trace(traceId)).isPresent();
  }
}
