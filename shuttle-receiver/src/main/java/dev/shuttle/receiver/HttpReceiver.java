package dev.shuttle.receiver;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import dev.shuttle.receiver.internal.AllowedHosts;
import dev.shuttle.receiver.internal.Excerpt;
import dev.shuttle.receiver.internal.SlowHeaderReaper;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * OTLP/HTTP on Jetty (ADR 0007), each request handled on a virtual thread.
 *
 * <p>Implements the OTLP/HTTP rules: POST only (405 with {@code Allow: POST}), {@code
 * application/x-protobuf} or {@code application/json} (415), optional {@code Content-Encoding:
 * gzip}, a body limit applied to {@code Content-Length} before anything is read, to the bytes read
 * and to the decompressed size (413), 400 with a {@code google.rpc.Status} body for malformed
 * input, 200 with the export response otherwise; responses use the request's encoding.
 *
 * <p>And protects itself: a {@code Host} that is not a loopback name gets 403 on a loopback bind
 * address ({@link AllowedHosts}); CORS headers only for configured origins; a request reserves its
 * estimated decoding cost in the shared {@link DecodeBudget} before reading its body, and gets 503
 * with {@code Retry-After} if the budget stays exhausted for {@link #BUDGET_WAIT}; slow heads are
 * cut off by {@link SlowHeaderReaper}, slow bodies by a minimum average rate, silent connections by
 * Jetty's idle timeout; an {@link Error} in a handler (also {@link OutOfMemoryError}) still gets a
 * 503, or the connection is closed. Error bodies never echo more than {@link
 * Excerpt#MAX_CODE_POINTS} escaped characters of request data and never name Java classes.
 *
 * <p>Thread-safety: Jetty calls the handler concurrently; it only touches the thread-safe store and
 * budget and immutable fields. {@link #stop} may be called from any thread, once.
 */
final class HttpReceiver {
  private static final System.Logger LOG = System.getLogger(HttpReceiver.class.getName());
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";

  /**
   * Estimated heap bytes per protobuf body byte while decoding: the body plus the decoded message,
   * which measured 4.2 times the body for spans (ADR 0007).
   */
  static final int PROTOBUF_COST_PER_BYTE = 6;

  /**
   * Estimated heap bytes per JSON body byte while decoding: decoding 19 MB of OTLP/JSON needed a
   * 386 MB heap (ADR 0007).
   */
  static final int JSON_COST_PER_BYTE = 20;

  /** How long a request waits for the decode budget before it gets 503. */
  static final Duration BUDGET_WAIT = Duration.ofSeconds(1);

  /** The {@code Retry-After} of a 503, in seconds. */
  static final int RETRY_AFTER_SECONDS = 1;

  /** The most code points of a decoder's message an error body carries. */
  static final int MAX_DETAIL_CODE_POINTS = 256;

  private static final Pattern JAVA_CLASS =
      Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)\\b:?\\s*");

  private enum Signal {
    TRACES,
    METRICS,
    LOGS
  }

  /** An error answered with an HTTP status and a {@code google.rpc.Status} body. */
  private static final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;
    final int httpStatus;

    /** Whether to read and discard the rest of the body first, so that the connection lives. */
    final boolean drain;

    Rejection(int httpStatus, String message, boolean drain) {
      super(message, null, false, false);
      this.httpStatus = httpStatus;
      this.drain = drain;
    }

    Rejection(int httpStatus, String message) {
      this(httpStatus, message, false);
    }
  }

  /** A failure of the body's transport (slow, silent, cut, too large), not of its content. */
  private static final class BodyFailure extends IOException {
    private static final long serialVersionUID = 1L;
    final transient Rejection rejection;

    BodyFailure(Rejection rejection) {
      super(rejection.getMessage(), null);
      this.rejection = rejection;
    }
  }

  private final Server server;
  private final ServerConnector connector;
  private final SlowHeaderReaper reaper;
  private final TelemetryStore store;
  private final int maxBodyBytes;
  private final DecodeBudget budget;
  private final AllowedHosts hosts;
  private final Set<String> corsOrigins;
  private final long minBodyBytesPerSecond;

  /**
   * Binds and starts serving.
   *
   * @param address where to listen
   * @param hosts the {@code Host} values to answer
   * @param maxBodyBytes the body limit
   * @param options backlog, timeouts and CORS origins
   * @param budget the decode budget, shared with other protocols
   * @param store where requests go
   * @throws IOException if the address cannot be bound
   */
  HttpReceiver(
      InetSocketAddress address,
      AllowedHosts hosts,
      int maxBodyBytes,
      ServerOptions options,
      DecodeBudget budget,
      TelemetryStore store)
      throws IOException {
    this.store = store;
    this.maxBodyBytes = maxBodyBytes;
    this.budget = budget;
    this.hosts = hosts;
    this.corsOrigins = Set.copyOf(options.corsAllowedOrigins());
    this.minBodyBytesPerSecond = options.minBodyBytesPerSecond();

    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("otlp-http");
    threads.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("otlp-http-"));
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(address.getAddress().getHostAddress());
    connector.setPort(address.getPort());
    connector.setAcceptQueueSize(options.backlog());
    connector.setIdleTimeout(options.idleTimeout().toMillis());
    server.addConnector(connector);
    server.setHandler(new GracefulHandler(new OtlpHandler()));
    server.setErrorHandler(new StatusErrorHandler());
    reaper = new SlowHeaderReaper(connector, options.headerTimeout());
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly();
      if (e instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot start OTLP/HTTP on " + address + ": " + e.getMessage(), e);
    }
    reaper.start();
  }

  int port() {
    return connector.getLocalPort();
  }

  /**
   * Stops accepting connections, lets requests in flight finish for up to {@code grace}, then
   * closes every connection.
   */
  void stop(Duration grace) {
    reaper.stop();
    server.setStopTimeout(Math.max(0, grace.toMillis()));
    stopQuietly();
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.DEBUG, "OTLP/HTTP server did not stop cleanly", e);
    }
  }

  /** The request handler, called on a virtual thread per request. */
  private final class OtlpHandler extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String responseType = responseType(request);
      try {
        exchange(request, response, callback, responseType);
      } catch (Throwable t) { // an Error too: the client must get an answer or a closed connection
        failed(response, callback, responseType, t);
      }
      return true;
    }
  }

  private void exchange(Request request, Response response, Callback callback, String type)
      throws IOException {
    HttpFields headers = request.getHeaders();
    if (!hosts.allows(headers.get(HttpHeader.HOST))) {
      reject(
          request,
          response,
          callback,
          type,
          new Rejection(
              403,
              "Host "
                  + quote(headers.get(HttpHeader.HOST))
                  + " is not allowed: this receiver answers localhost, 127.0.0.1 and [::1] only"));
      return;
    }
    String origin = headers.get(HttpHeader.ORIGIN);
    if (origin != null && corsOrigins.contains(origin)) {
      response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      response.getHeaders().add(HttpHeader.VARY, "Origin");
      if (request.getMethod().equals("OPTIONS")
          && headers.contains(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD)) {
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "POST");
        response
            .getHeaders()
            .put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, Content-Encoding");
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "600");
        response.setStatus(204);
        response.write(true, null, callback);
        return;
      }
    }
    Message answer;
    try {
      answer = export(request, response);
    } catch (Rejection rejection) {
      reject(request, response, callback, type, rejection);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reject(request, response, callback, type, overloaded("the receiver is stopping"));
      return;
    }
    send(response, callback, 200, type, answer);
  }

  private Message export(Request request, Response response)
      throws Rejection, InterruptedException {
    String path = request.getHttpURI().getPath();
    Signal signal =
        switch (path == null ? "" : path) {
          case "/v1/traces" -> Signal.TRACES;
          case "/v1/metrics" -> Signal.METRICS;
          case "/v1/logs" -> Signal.LOGS;
          default ->
              throw new Rejection(
                  404,
                  "no OTLP endpoint at "
                      + quote(path)
                      + "; use /v1/traces, /v1/metrics or /v1/logs");
        };
    if (!request.getMethod().equals("POST")) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      throw new Rejection(
          405, "method " + quote(request.getMethod()) + " not allowed on " + path + "; use POST");
    }
    HttpFields headers = request.getHeaders();
    String mediaType = mediaType(headers.get(HttpHeader.CONTENT_TYPE));
    if (mediaType == null || !(mediaType.equals(PROTOBUF) || mediaType.equals(JSON))) {
      throw new Rejection(
          415,
          "unsupported Content-Type "
              + quote(headers.get(HttpHeader.CONTENT_TYPE))
              + "; use application/x-protobuf or application/json");
    }
    String encoding = headers.get(HttpHeader.CONTENT_ENCODING);
    boolean gzip;
    if (encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity")) {
      gzip = false;
    } else if (encoding.trim().equalsIgnoreCase("gzip")) {
      gzip = true;
    } else {
      throw new Rejection(
          415, "unsupported Content-Encoding " + quote(encoding) + "; use gzip or none");
    }
    long length = request.getLength();
    if (length > maxBodyBytes) {
      throw tooLarge("body of " + length + " bytes");
    }
    int costPerByte = mediaType.equals(JSON) ? JSON_COST_PER_BYTE : PROTOBUF_COST_PER_BYTE;
    long cost = length <= 0 ? 0 : gzip ? length * (1 + costPerByte) : length * costPerByte;
    if (!budget.admits(cost)) {
      throw tooCostly("body of " + length + " bytes", cost);
    }
    DecodeBudget.Reservation reservation = budget.tryReserve(cost, BUDGET_WAIT);
    if (reservation == null) {
      throw overloaded("the receiver is busy decoding other requests");
    }
    try (reservation) {
      ByteString body = readBody(request, length, gzip, reservation, costPerByte);
      Message.Builder builder =
          switch (signal) {
            case TRACES -> ExportTraceServiceRequest.newBuilder();
            case METRICS -> ExportMetricsServiceRequest.newBuilder();
            case LOGS -> ExportLogsServiceRequest.newBuilder();
          };
      Message decoded;
      try {
        if (mediaType.equals(PROTOBUF)) {
          builder.mergeFrom(body);
          decoded = builder.build();
          OtlpValidation.check(decoded); // the JSON decoder checks the ids as it reads
        } else {
          OtlpJson.merge(body.newInput(), builder); // strict UTF-8: malformed bytes are a 400
          decoded = builder.build();
        }
      } catch (InvalidProtocolBufferException e) {
        throw new Rejection(
            400,
            "malformed "
                + mediaType
                + " "
                + signal.name().toLowerCase(Locale.ROOT)
                + ": "
                + OtlpValidation.clientMessage(e));
      } catch (IOException e) {
        throw new IllegalStateException("reading a body held in memory cannot fail", e);
      }
      return switch (signal) {
        case TRACES -> {
          store.addTraces((ExportTraceServiceRequest) decoded);
          yield ExportTraceServiceResponse.getDefaultInstance();
        }
        case METRICS -> {
          store.addMetrics((ExportMetricsServiceRequest) decoded);
          yield ExportMetricsServiceResponse.getDefaultInstance();
        }
        case LOGS -> {
          store.addLogs((ExportLogsServiceRequest) decoded);
          yield ExportLogsServiceResponse.getDefaultInstance();
        }
      };
    }
  }

  /**
   * Reads the body (decompressing it if {@code gzip}) within the body limit, growing {@code
   * reservation} when the body turns out larger than reserved.
   */
  private ByteString readBody(
      Request request,
      long length,
      boolean gzip,
      DecodeBudget.Reservation reservation,
      int costPerByte)
      throws Rejection {
    BodyStream raw = new BodyStream(Request.asInputStream(request));
    try {
      if (!gzip) {
        if (length >= 0) {
          byte[] bytes = new byte[(int) length]; // no more than reserved: length <= the limit
          if (raw.readNBytes(bytes, 0, bytes.length) < length) {
            throw new Rejection(400, "the request body ended before its Content-Length");
          }
          return UnsafeByteOperations.unsafeWrap(bytes);
        }
        return readGrowing(raw, reservation, costPerByte, "body");
      }
      try (InputStream unzipped = new GZIPInputStream(raw, 64 * 1024)) {
        return readGrowing(unzipped, reservation, 1 + costPerByte, "decompressed body");
      } catch (BodyFailure e) {
        throw e;
      } catch (IOException e) {
        throw new Rejection(400, "malformed gzip body: " + detail(e.getMessage()));
      }
    } catch (BodyFailure e) {
      throw e.rejection;
    } catch (IOException e) {
      throw new Rejection(400, "malformed gzip body: " + detail(e.getMessage()));
    }
  }

  private ByteString readGrowing(
      InputStream in, DecodeBudget.Reservation reservation, int costPerByte, String what)
      throws IOException {
    ByteString.Output out = ByteString.newOutput(8 * 1024);
    byte[] chunk = new byte[64 * 1024];
    long total = 0;
    for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
      total += n;
      if (total > maxBodyBytes) {
        throw new BodyFailure(tooLarge(what));
      }
      long needed = total * costPerByte;
      if (needed > reservation.held()) {
        if (!budget.admits(needed)) {
          throw new BodyFailure(
              tooCostly(what + " of more than " + (total - n) + " bytes", needed));
        }
        if (!reservation.tryGrow(needed - reservation.held())) {
          throw new BodyFailure(overloaded("the receiver is busy decoding other requests"));
        }
      }
      out.write(chunk, 0, n);
    }
    return out.toByteString();
  }

  /**
   * The raw request body: counts bytes, enforces the body limit and the minimum average rate, and
   * turns transport failures into {@link BodyFailure}s.
   */
  private final class BodyStream extends InputStream {
    private final InputStream in;
    private long read;
    private long startNanos = -1;

    BodyStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (startNanos < 0) {
        startNanos = System.nanoTime();
      }
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        throw new BodyFailure(
            new Rejection(408, "the request body was not received: it stopped or timed out"));
      }
      if (n > 0) {
        read += n;
        if (read > maxBodyBytes) {
          throw new BodyFailure(tooLarge("body"));
        }
        long elapsed = System.nanoTime() - startNanos;
        if (minBodyBytesPerSecond > 0
            && elapsed > ServerOptions.BODY_RATE_GRACE.toNanos()
            && read * 1_000_000_000.0 / elapsed < minBodyBytesPerSecond) {
          throw new BodyFailure(
              new Rejection(
                  408,
                  "the request body arrived slower than "
                      + minBodyBytesPerSecond
                      + " bytes per second"));
        }
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Answers a rejection, draining the rest of the body first if it asks so and can be drained. */
  private void reject(
      Request request, Response response, Callback callback, String type, Rejection rejection)
      throws IOException {
    boolean keepAlive = rejection.drain && drain(request);
    if (!keepAlive) {
      // The body may be unread (and too large to drain): never reuse this connection.
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }
    if (rejection.httpStatus == 503 || rejection.httpStatus == 429) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
    }
    send(response, callback, rejection.httpStatus, type, status(rejection));
  }

  /**
   * Reads and discards the rest of the body, within the body limit and the timeouts, unless the
   * client waits for {@code 100 Continue} (then it has sent nothing). Returns whether the whole
   * body was read, so that the connection can serve the next request.
   */
  private boolean drain(Request request) {
    if (request.getHeaders().contains(HttpHeader.EXPECT, "100-continue")) {
      return false;
    }
    try (BodyStream body = new BodyStream(Request.asInputStream(request))) {
      byte[] sink = new byte[64 * 1024];
      while (body.read(sink, 0, sink.length) >= 0) {
        // discard
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void failed(Response response, Callback callback, String type, Throwable failure) {
    try {
      LOG.log(
          System.Logger.Level.WARNING,
          "OTLP/HTTP request failed: "
              + failure
              + (failure instanceof VirtualMachineError ? "" : "; stack trace follows"),
          failure instanceof VirtualMachineError ? null : failure);
    } catch (Throwable ignored) { // logging may fail too when memory is short
      // keep going: the answer matters more than the log
    }
    try {
      if (!response.isCommitted()) {
        response.reset();
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        boolean transientFailure = failure instanceof Error;
        if (transientFailure) {
          response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
        }
        send(
            response,
            callback,
            transientFailure ? 503 : 500,
            type,
            com.google.rpc.Status.newBuilder()
                .setCode(transientFailure ? 14 : 13) // UNAVAILABLE : INTERNAL
                .setMessage(
                    transientFailure
                        ? "the receiver ran short of resources; retry later"
                        : "internal error")
                .build());
        return;
      }
    } catch (Throwable again) { // still short of memory: close the connection instead
      // fall through
    }
    callback.failed(failure);
  }

  private static Rejection overloaded(String why) {
    return new Rejection(503, why + "; retry after " + RETRY_AFTER_SECONDS + " s", true);
  }

  /** A body within the limit whose estimated decoding cost exceeds the whole budget. */
  private Rejection tooCostly(String what, long cost) {
    return new Rejection(
        413,
        what
            + " would take about "
            + cost
            + " bytes to decode, more than the decode budget of "
            + budget.capacity()
            + "; send smaller batches or give the receiver more heap");
  }

  private Rejection tooLarge(String what) {
    return new Rejection(413, what + " exceeds the limit of " + maxBodyBytes + " bytes");
  }

  private static com.google.rpc.Status status(Rejection rejection) {
    int code =
        switch (rejection.httpStatus) {
          case 403 -> 7; // PERMISSION_DENIED
          case 404 -> 5; // NOT_FOUND
          case 405 -> 12; // UNIMPLEMENTED
          case 408 -> 4; // DEADLINE_EXCEEDED
          case 413 -> 8; // RESOURCE_EXHAUSTED
          case 503 -> 14; // UNAVAILABLE
          default -> 3; // INVALID_ARGUMENT
        };
    return com.google.rpc.Status.newBuilder()
        .setCode(code)
        .setMessage(String.valueOf(rejection.getMessage()))
        .build();
  }

  private static void send(
      Response response, Callback callback, int status, String type, Message message)
      throws IOException {
    byte[] bytes =
        type.equals(JSON)
            ? OtlpJson.print(message).getBytes(StandardCharsets.UTF_8)
            : message.toByteArray();
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  private static String responseType(Request request) {
    return JSON.equals(mediaType(request.getHeaders().get(HttpHeader.CONTENT_TYPE)))
        ? JSON
        : PROTOBUF;
  }

  private static @Nullable String mediaType(@Nullable String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT);
  }

  /** Request data for an error message: quoted, and an escaped {@link Excerpt} of it. */
  static String quote(@Nullable String value) {
    return value == null ? "(none)" : "'" + Excerpt.of(value) + "'";
  }

  /**
   * A decoder's message for an error message: without Java class names, escaped and cut. The
   * decoders quote request data only as {@link Excerpt}s, so the message itself may be longer.
   */
  static String detail(@Nullable String message) {
    if (message == null) {
      return "(no detail)";
    }
    return Excerpt.of(JAVA_CLASS.matcher(message).replaceAll(""), MAX_DETAIL_CODE_POINTS);
  }

  /**
   * Jetty's answer to requests it rejects itself (a malformed request line, headers too large, a
   * missing {@code Host}): a {@code google.rpc.Status} with the status's reason only, never the
   * request's data nor an exception's message.
   */
  private static final class StatusErrorHandler implements Request.Handler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int status =
          request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer code ? code : 500;
      String reason = HttpStatus.getMessage(status);
      byte[] bytes =
          com.google.rpc.Status.newBuilder()
              .setCode(status == 413 || status == 431 ? 8 : status >= 500 ? 13 : 3)
              .setMessage(status + " " + reason)
              .build()
              .toByteArray();
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROTOBUF);
      response
          .getHeaders()
          .put(new HttpField(HttpHeader.CONTENT_LENGTH, Integer.toString(bytes.length)));
      response.write(true, ByteBuffer.wrap(bytes), callback);
      return true;
    }
  }
}
