package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.receiver.render.TracePrinter;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class OtlpReceiverTest {

  @Test
  void defaultsFollowTheOtlpConventions() {
    ReceiverConfig config = ReceiverConfig.defaults();

    assertThat(config.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(config.httpPort()).isEqualTo(4318);
    assertThat(config.grpcPort()).isEqualTo(4317);
    assertThat(config.maxBodyBytes()).isEqualTo(64 * 1024 * 1024);
    assertThat(config.storeLimits()).isEqualTo(StoreLimits.defaults());
  }

  @Test
  void invalidSettingsFailAtOnce() {
    assertThatThrownBy(() -> ReceiverConfig.builder().httpPort(70_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("httpPort must be within [0, 65535] or -1 to disable, was 70000");
    assertThatThrownBy(() -> ReceiverConfig.builder().maxBodyBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBodyBytes");
    assertThatThrownBy(() -> new StoreLimits(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSpans must be positive, was 0");
    assertThatThrownBy(() -> ReceiverConfig.builder().httpPort(-1).grpcPort(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void ephemeralPortsAreReadBackAndRestartKeepsTheStore() throws Exception {
    OtlpReceiver receiver =
        OtlpReceiver.create(ReceiverConfig.builder().httpPort(0).grpcPort(0).build());
    assertThat(receiver.isRunning()).isFalse();
    assertThatThrownBy(receiver::httpPort).isInstanceOf(IllegalStateException.class);

    receiver.start();
    try {
      assertThat(receiver.httpPort()).isPositive();
      assertThat(receiver.grpcPort()).isPositive().isNotEqualTo(receiver.httpPort());
      assertThat(receiver.httpEndpoint()).isEqualTo("http://127.0.0.1:" + receiver.httpPort());
      assertThatThrownBy(receiver::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already running");
      receiver.store().addTraces(HttpReceiverTest.traces(HttpReceiverTest.randomHex(16), "01"));

      receiver.stop();
      assertThat(receiver.isRunning()).isFalse();
      receiver.start();

      assertThat(receiver.store().spanCount()).isEqualTo(1);
    } finally {
      receiver.close();
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aBusyPortFailsStartAndLeavesNothingBound() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      OtlpReceiver receiver =
          OtlpReceiver.create(
              ReceiverConfig.builder().httpPort(0).grpcPort(busy.getLocalPort()).build());

      assertThatThrownBy(receiver::start).isInstanceOf(java.io.IOException.class);
      assertThat(receiver.isRunning()).isFalse();
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void grpcRejectsMessagesAboveTheBodyLimitAndKeepsServing() throws Exception {
    try (OtlpReceiver receiver =
        OtlpReceiver.start(
            ReceiverConfig.builder()
                .httpPort(ReceiverConfig.DISABLED)
                .grpcPort(0)
                .maxBodyBytes(16 * 1024)
                .build())) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", receiver.grpcPort()).usePlaintext().build();
      try {
        TraceServiceGrpc.TraceServiceBlockingStub stub = TraceServiceGrpc.newBlockingStub(channel);
        ExportTraceServiceRequest small =
            HttpReceiverTest.traces(HttpReceiverTest.randomHex(16), "0102030405060708");
        ExportTraceServiceRequest big = withLargeAttribute(small, 32 * 1024);

        assertThatThrownBy(() -> stub.export(big))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

        stub.export(small);
        assertThat(receiver.store().spanCount()).isEqualTo(1);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void printTracesPrintsATraceWhenItsRootArrives() throws Exception {
    try (OtlpReceiver receiver =
        OtlpReceiver.start(
            ReceiverConfig.builder().httpPort(0).grpcPort(ReceiverConfig.DISABLED).build())) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
      SpanListener printer = TracePrinter.printTraces(receiver.store(), out, false);
      String traceId = HttpReceiverTest.randomHex(16);
      ExportTraceServiceRequest rootAndChild = HttpReceiverTest.traces(traceId, "00000000000000aa");
      // a child span without root: not printed yet
      ExportTraceServiceRequest child =
          HttpReceiverTest.traces(traceId, "00000000000000bb").toBuilder().build();
      Span childSpan =
          child.getResourceSpans(0).getScopeSpans(0).getSpans(0).toBuilder()
              .setParentSpanId(Ids.fromHex("00000000000000aa"))
              .build();
      receiver
          .store()
          .addTraces(
              child.toBuilder()
                  .setResourceSpans(
                      0,
                      child.getResourceSpans(0).toBuilder()
                          .setScopeSpans(
                              0,
                              child.getResourceSpans(0).getScopeSpans(0).toBuilder()
                                  .setSpans(0, childSpan)))
                  .build());
      assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();

      receiver.store().addTraces(rootAndChild);

      assertThat(bytes.toString(StandardCharsets.UTF_8))
          .startsWith("trace " + traceId)
          .contains("2 spans")
          .contains("└─ span-00000000000000aa")
          .contains("   └─ span-00000000000000bb");
      assertThat(receiver.store().removeListener(printer)).isTrue();
      assertThat(receiver.store().awaitSpans(2, Duration.ZERO)).isTrue();
    }
  }

  private static ExportTraceServiceRequest withLargeAttribute(
      ExportTraceServiceRequest request, int size) {
    Span span =
        request.getResourceSpans(0).getScopeSpans(0).getSpans(0).toBuilder()
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("blob")
                    .setValue(AnyValue.newBuilder().setStringValue("x".repeat(size))))
            .build();
    return request.toBuilder()
        .setResourceSpans(
            0,
            request.getResourceSpans(0).toBuilder()
                .setScopeSpans(
                    0, request.getResourceSpans(0).getScopeSpans(0).toBuilder().setSpans(0, span)))
        .build();
  }
}
