package dev.shuttle.receiver;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * OTLP/HTTP on the JDK's built-in HTTP server, one virtual thread per request.
 *
 * <p>Implements the OTLP/HTTP rules: POST only (405), {@code application/x-protobuf} or {@code
 * application/json} (415), optional {@code Content-Encoding: gzip}, a body limit applied to the
 * received and to the decompressed size (413), 400 with a {@code google.rpc.Status} body for
 * malformed input, 200 with the export response otherwise; responses use the request's encoding.
 *
 * <p>Thread-safety: the server calls {@link #handle} concurrently; it only touches the thread-safe
 * store and immutable fields.
 */
final class HttpReceiver {
  private static final System.Logger LOG = System.getLogger(HttpReceiver.class.getName());
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  private enum Signal {
    TRACES,
    METRICS,
    LOGS
  }

  /** An error answered with an HTTP status and a {@code google.rpc.Status} body. */
  private static final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;
    final int httpStatus;

    Rejection(int httpStatus, String message) {
      super(message, null, false, false);
      this.httpStatus = httpStatus;
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final TelemetryStore store;
  private final int maxBodyBytes;

  HttpReceiver(InetSocketAddress address, int maxBodyBytes, TelemetryStore store)
      throws IOException {
    this.store = store;
    this.maxBodyBytes = maxBodyBytes;
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    this.server = HttpServer.create(address, 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  void stop() {
    server.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String mediaType = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
      String responseType = JSON.equals(mediaType) ? JSON : PROTOBUF;
      try {
        Message response = export(exchange, mediaType);
        respond(exchange, 200, responseType, response);
      } catch (Rejection rejection) {
        // The body may be unread (and too large to drain): never reuse this connection.
        exchange.getResponseHeaders().set("Connection", "close");
        respond(exchange, rejection.httpStatus, responseType, status(rejection));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "OTLP/HTTP request failed", e);
        respond(
            exchange,
            500,
            responseType,
            com.google.rpc.Status.newBuilder()
                .setCode(13)
                .setMessage("internal error: " + e)
                .build());
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "OTLP/HTTP connection failed", e);
    }
  }

  private Message export(HttpExchange exchange, @Nullable String mediaType)
      throws Rejection, IOException {
    String path = exchange.getRequestURI().getPath();
    Signal signal =
        switch (path) {
          case "/v1/traces" -> Signal.TRACES;
          case "/v1/metrics" -> Signal.METRICS;
          case "/v1/logs" -> Signal.LOGS;
          default ->
              throw new Rejection(
                  404, "no OTLP endpoint at " + path + "; use /v1/traces, /v1/metrics or /v1/logs");
        };
    if (!exchange.getRequestMethod().equals("POST")) {
      exchange.getResponseHeaders().set("Allow", "POST");
      throw new Rejection(
          405, "method " + exchange.getRequestMethod() + " not allowed on " + path + "; use POST");
    }
    if (mediaType == null || !(mediaType.equals(PROTOBUF) || mediaType.equals(JSON))) {
      throw new Rejection(
          415,
          "unsupported Content-Type '"
              + exchange.getRequestHeaders().getFirst("Content-Type")
              + "'; use application/x-protobuf or application/json");
    }
    byte[] body = readBody(exchange);
    Message.Builder builder =
        switch (signal) {
          case TRACES -> ExportTraceServiceRequest.newBuilder();
          case METRICS -> ExportMetricsServiceRequest.newBuilder();
          case LOGS -> ExportLogsServiceRequest.newBuilder();
        };
    try {
      if (mediaType.equals(PROTOBUF)) {
        builder.mergeFrom(body);
      } else {
        OtlpJson.merge(new String(body, StandardCharsets.UTF_8), builder);
      }
    } catch (InvalidProtocolBufferException e) {
      throw new Rejection(
          400, "malformed " + mediaType + " " + signal.name().toLowerCase(Locale.ROOT) + ": " + e);
    }
    Message request = builder.build();
    return switch (signal) {
      case TRACES -> {
        store.addTraces((ExportTraceServiceRequest) request);
        yield ExportTraceServiceResponse.getDefaultInstance();
      }
      case METRICS -> {
        store.addMetrics((ExportMetricsServiceRequest) request);
        yield ExportMetricsServiceResponse.getDefaultInstance();
      }
      case LOGS -> {
        store.addLogs((ExportLogsServiceRequest) request);
        yield ExportLogsServiceResponse.getDefaultInstance();
      }
    };
  }

  private byte[] readBody(HttpExchange exchange) throws Rejection, IOException {
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    boolean gzip;
    if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
      gzip = false;
    } else if (encoding.trim().equalsIgnoreCase("gzip")) {
      gzip = true;
    } else {
      throw new Rejection(415, "unsupported Content-Encoding '" + encoding + "'; use gzip or none");
    }
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > maxBodyBytes) {
          throw tooLarge("body of " + length.trim() + " bytes");
        }
      } catch (NumberFormatException e) {
        throw new Rejection(400, "invalid Content-Length '" + length + "'");
      }
    }
    byte[] raw = readAtMost(exchange.getRequestBody(), "body");
    if (!gzip) {
      return raw;
    }
    try (InputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      return readAtMost(unzipped, "decompressed body");
    } catch (IOException e) {
      throw new Rejection(400, "malformed gzip body: " + e.getMessage());
    }
  }

  /** Reads at most the body limit; never allocates more than the data actually read. */
  private byte[] readAtMost(InputStream in, String what) throws Rejection, IOException {
    byte[] bytes = in.readNBytes(maxBodyBytes + 1);
    if (bytes.length > maxBodyBytes) {
      throw tooLarge(what);
    }
    return bytes;
  }

  private Rejection tooLarge(String what) {
    return new Rejection(413, what + " exceeds the limit of " + maxBodyBytes + " bytes");
  }

  private static com.google.rpc.Status status(Rejection rejection) {
    int code =
        switch (rejection.httpStatus) {
          case 404 -> 5; // NOT_FOUND
          case 405 -> 12; // UNIMPLEMENTED
          case 413 -> 8; // RESOURCE_EXHAUSTED
          default -> 3; // INVALID_ARGUMENT
        };
    return com.google.rpc.Status.newBuilder()
        .setCode(code)
        .setMessage(String.valueOf(rejection.getMessage()))
        .build();
  }

  private static void respond(HttpExchange exchange, int status, String type, Message message)
      throws IOException {
    byte[] bytes =
        type.equals(JSON)
            ? OtlpJson.print(message).getBytes(StandardCharsets.UTF_8)
            : message.toByteArray();
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  private static @Nullable String mediaType(@Nullable String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT);
  }
}
