package dev.shuttle.receiver;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
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
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * OTLP/gRPC: the trace, metrics and logs {@code Export} services on grpc-java's Netty transport,
 * with service calls on virtual threads and the inbound message size capped at the body limit
 * (grpc-java enforces it on the decompressed message too).
 *
 * <p>Thread-safety: grpc-java calls the services concurrently; they only touch the thread-safe
 * store.
 */
final class GrpcReceiver {
  private final Server server;
  private final ExecutorService executor;

  GrpcReceiver(InetSocketAddress address, int maxBodyBytes, TelemetryStore store)
      throws IOException {
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    Server built =
        NettyServerBuilder.forAddress(address)
            .maxInboundMessageSize(maxBodyBytes)
            .executor(executor)
            .addService(new Traces(store))
            .addService(new Metrics(store))
            .addService(new Logs(store))
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

  void stop() {
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      executor.shutdownNow();
    }
  }

  private static final class Traces extends TraceServiceGrpc.TraceServiceImplBase {
    private final TelemetryStore store;

    Traces(TelemetryStore store) {
      this.store = store;
    }

    @Override
    public void export(
        ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
      store.addTraces(request);
      response.onNext(ExportTraceServiceResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  private static final class Metrics extends MetricsServiceGrpc.MetricsServiceImplBase {
    private final TelemetryStore store;

    Metrics(TelemetryStore store) {
      this.store = store;
    }

    @Override
    public void export(
        ExportMetricsServiceRequest request,
        StreamObserver<ExportMetricsServiceResponse> response) {
      store.addMetrics(request);
      response.onNext(ExportMetricsServiceResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  private static final class Logs extends LogsServiceGrpc.LogsServiceImplBase {
    private final TelemetryStore store;

    Logs(TelemetryStore store) {
      this.store = store;
    }

    @Override
    public void export(
        ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> response) {
      store.addLogs(request);
      response.onNext(ExportLogsServiceResponse.getDefaultInstance());
      response.onCompleted();
    }
  }
}
