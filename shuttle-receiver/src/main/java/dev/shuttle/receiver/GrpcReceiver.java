package dev.shuttle.receiver;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.shuttle.receiver.internal.Excerpt;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * OTLP/gRPC: the trace, metrics and logs {@code Export} services on grpc-java's Netty transport,
 * with service calls on virtual threads and the inbound message size capped at the body limit
 * (grpc-java enforces it on the decompressed message too).
 *
 * <p>Client errors get the statuses the OTLP specification names, not grpc-java's defaults: the
 * request marshaller decodes the message itself and hands the service a {@link Decoded} value
 * instead of throwing (a throwing marshaller makes grpc-java answer {@code UNKNOWN} and log a
 * SEVERE stack trace). So malformed protobuf and invalid ids (see {@link OtlpValidation}) answer
 * {@code INVALID_ARGUMENT}, a message that decompresses beyond the limit answers {@code
 * RESOURCE_EXHAUSTED} (as one beyond the limit on the wire already does), and each is logged as one
 * line at FINE. Connection-level protocol errors, such as garbage after the HTTP/2 preface, are
 * logged as one line by {@link GrpcTransportLog}.
 *
 * <p>Decoding shares OTLP/HTTP's {@link DecodeBudget}: a message that could never fit answers
 * {@code RESOURCE_EXHAUSTED} (final, per the OTLP specification, as it carries no {@code
 * RetryInfo}); one that finds the budget busy for {@link HttpReceiver#BUDGET_WAIT} answers {@code
 * UNAVAILABLE}, which exporters retry.
 *
 * <p>Thread-safety: grpc-java calls the services concurrently; they only touch the thread-safe
 * store.
 */
final class GrpcReceiver {
  private static final System.Logger LOG = System.getLogger(GrpcReceiver.class.getName());

  private final Server server;
  private final ExecutorService executor;

  GrpcReceiver(
      InetSocketAddress address, int maxBodyBytes, DecodeBudget budget, TelemetryStore store)
      throws IOException {
    GrpcTransportLog.install();
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    Server built =
        NettyServerBuilder.forAddress(address)
            .maxInboundMessageSize(maxBodyBytes)
            .executor(executor)
            .addService(
                exportService(
                    TraceServiceGrpc.getExportMethod(),
                    ExportTraceServiceRequest.parser(),
                    budget,
                    ExportTraceServiceResponse.getDefaultInstance(),
                    store::addTraces))
            .addService(
                exportService(
                    MetricsServiceGrpc.getExportMethod(),
                    ExportMetricsServiceRequest.parser(),
                    budget,
                    ExportMetricsServiceResponse.getDefaultInstance(),
                    store::addMetrics))
            .addService(
                exportService(
                    LogsServiceGrpc.getExportMethod(),
                    ExportLogsServiceRequest.parser(),
                    budget,
                    ExportLogsServiceResponse.getDefaultInstance(),
                    store::addLogs))
            .build();
    try {
      this.server = built.start();
    } catch (IOException | RuntimeException e) {
      executor.shutdownNow();
      throw e;
    }
  }

  int port() {
    return server.getPort();
  }

  /**
   * Stops taking calls, lets those in flight finish for up to {@code grace}, then cuts them off.
   */
  void stop(Duration grace) {
    server.shutdown();
    try {
      if (!server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      executor.shutdownNow();
    }
  }

  /**
   * Builds one OTLP {@code Export} service: the generated method's name and response marshaller,
   * with a request marshaller that reports bad input as a value.
   */
  private static <Q extends Message, R extends Message> ServerServiceDefinition exportService(
      MethodDescriptor<Q, R> generated,
      Parser<Q> parser,
      DecodeBudget budget,
      R response,
      Consumer<Q> store) {
    MethodDescriptor<Decoded<Q>, R> method =
        MethodDescriptor.<Decoded<Q>, R>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(generated.getFullMethodName())
            .setRequestMarshaller(new DecodingMarshaller<>(parser, budget))
            .setResponseMarshaller(ProtoUtils.marshaller(response))
            .build();
    String serviceName = MethodDescriptor.extractFullServiceName(generated.getFullMethodName());
    return ServerServiceDefinition.builder(String.valueOf(serviceName))
        .addMethod(
            method,
            ServerCalls.asyncUnaryCall(
                (Decoded<Q> request, StreamObserver<R> observer) -> {
                  Status failure = request.failure();
                  Q message = request.message();
                  if (failure != null || message == null) {
                    Status status = failure != null ? failure : Status.INTERNAL;
                    LOG.log(
                        System.Logger.Level.DEBUG,
                        () ->
                            "OTLP/gRPC "
                                + generated.getFullMethodName()
                                + " rejected: "
                                + status.getCode()
                                + " "
                                + status.getDescription());
                    observer.onError(status.asRuntimeException());
                    return;
                  }
                  try {
                    store.accept(message);
                  } catch (RuntimeException | Error e) { // as OTLP/HTTP: 500 for a bug, 503 for an
                    // Error such as OutOfMemoryError, which may pass: the exporter retries
                    observer.onError(
                        (e instanceof Error ? Status.UNAVAILABLE : Status.INTERNAL)
                            .withDescription("the receiver could not store the request")
                            .asRuntimeException());
                    return;
                  }
                  observer.onNext(response);
                  observer.onCompleted();
                }))
        .build();
  }

  /**
   * A request as decoded by {@link DecodingMarshaller}: the message, or the status to answer.
   *
   * @param message the message, if it decoded and passed validation
   * @param failure the status to answer otherwise
   */
  record Decoded<Q>(@Nullable Q message, @Nullable Status failure) {}

  /**
   * Parses a request without throwing: grpc-java turns an exception thrown while parsing into
   * {@code UNKNOWN} and a SEVERE log record, so failures are returned as {@link Decoded} values and
   * answered by the service.
   */
  static final class DecodingMarshaller<Q extends Message>
      implements MethodDescriptor.Marshaller<Decoded<Q>> {
    private final Parser<Q> parser;
    private final DecodeBudget budget;

    DecodingMarshaller(Parser<Q> parser, DecodeBudget budget) {
      this.parser = parser;
      this.budget = budget;
    }

    @Override
    public InputStream stream(Decoded<Q> value) {
      Q message = value.message();
      if (message == null) {
        throw new IllegalArgumentException("a failed request cannot be sent");
      }
      return message.toByteString().newInput();
    }

    /**
     * Reads the message (grpc-java caps it at the body limit, also when decompressing), reserves
     * its decoding cost in the budget shared with OTLP/HTTP while parsing it, and validates it.
     */
    @Override
    public Decoded<Q> parse(InputStream stream) {
      try {
        byte[] bytes = stream.readAllBytes();
        long cost = (long) bytes.length * HttpReceiver.PROTOBUF_COST_PER_BYTE;
        if (!budget.admits(cost)) {
          return new Decoded<>(
              null,
              Status.RESOURCE_EXHAUSTED.withDescription(
                  "a message of "
                      + bytes.length
                      + " bytes is more than this receiver can decode at once; send smaller"
                      + " batches or give it more heap"));
        }
        Q message;
        try (DecodeBudget.Reservation reservation =
            budget.tryReserve(cost, HttpReceiver.BUDGET_WAIT)) {
          if (reservation == null) {
            return new Decoded<>(
                null,
                Status.UNAVAILABLE.withDescription(
                    "the receiver is busy decoding other requests; retry"));
          }
          message = parser.parseFrom(bytes);
        }
        OtlpValidation.check(message);
        return new Decoded<>(message, null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Decoded<>(null, Status.UNAVAILABLE.withDescription("the receiver is stopping"));
      } catch (InvalidProtocolBufferException e) {
        return new Decoded<>(
            null,
            Status.INVALID_ARGUMENT.withDescription(
                "malformed request: " + OtlpValidation.clientMessage(e)));
      } catch (StatusRuntimeException e) {
        // grpc-java's limit on the decompressed size, thrown by the stream: RESOURCE_EXHAUSTED
        return new Decoded<>(null, e.getStatus());
      } catch (IOException e) {
        return new Decoded<>(
            null,
            Status.INVALID_ARGUMENT.withDescription(
                "unreadable request: " + Excerpt.of(String.valueOf(e.getMessage()), 300)));
      }
    }
  }
}
