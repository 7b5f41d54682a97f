package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.Status;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What OTLP/HTTP does against hostile input and load, on real sockets: DNS rebinding ({@code
 * Host}), CORS, early 413, {@code Expect: 100-continue}, the decode budget, errors in handlers,
 * slow and silent clients, short error bodies, graceful stop.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpReceiverProtectionTest {
  private static final int LIMIT = 64 * 1024;
  private static final String PROTOBUF = "application/x-protobuf";
  private static final Duration READ = Duration.ofSeconds(20);

  private OtlpReceiver receiver;

  @AfterEach
  void stop() {
    if (receiver != null) {
      receiver.close();
    }
  }

  private int start(ServerOptions options) throws IOException {
    return start("127.0.0.1", options);
  }

  private int start(String bind, ServerOptions options) throws IOException {
    receiver =
        OtlpReceiver.start(
            ReceiverConfig.builder()
                .bindAddress(bind)
                .httpPort(0)
                .grpcPort(ReceiverConfig.DISABLED)
                .maxBodyBytes(LIMIT)
                .serverOptions(options)
                .build());
    return receiver.httpPort();
  }

  private static byte[] export() {
    return HttpReceiverTest.traces(HttpReceiverTest.randomHex(16), HttpReceiverTest.randomHex(8))
        .toByteArray();
  }

  private static RawHttp.Response post(int port, String host, byte[] body, String... extra)
      throws Exception {
    List<String> headers =
        new ArrayList<>(
            List.of(
                "Host",
                host,
                "Content-Type",
                PROTOBUF,
                "Content-Length",
                Integer.toString(body.length)));
    headers.addAll(List.of(extra));
    return RawHttp.exchange(
        port, RawHttp.head("POST", "/v1/traces", headers.toArray(String[]::new)), body, READ);
  }

  private static Status status(RawHttp.Response response) throws Exception {
    assertThat(response.header("Content-Type")).isEqualTo(PROTOBUF);
    return Status.parseFrom(response.body());
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
    socket.setSoTimeout((int) READ.toMillis());
    return socket;
  }

  // ------------------------------------------------------------------ Host and CORS

  @ParameterizedTest
  @ValueSource(
      strings = {
        "evil.example",
        "evil.example:4318",
        "127.0.0.1.evil.example",
        "localhost.evil.example:4318",
        "10.0.0.1",
        "[::2]:4318"
      })
  void aForeignHostIsForbidden(String host) throws Exception {
    // given a receiver on loopback
    int port = start(ServerOptions.defaults());

    // when a request names another host, as a DNS-rebound browser page would
    RawHttp.Response response = post(port, host, export());

    // then it is refused before anything is stored
    assertThat(response.status()).isEqualTo(403);
    assertThat(status(response).getMessage()).contains("not allowed");
    assertThat(receiver.store().spanCount()).isZero();
  }

  @Test
  void aMalformedHostIsRefused() throws Exception {
    int port = start(ServerOptions.defaults());

    RawHttp.Response response = post(port, "localhost:notaport", export());

    assertThat(response.status()).isIn(400, 403);
    assertThat(receiver.store().spanCount()).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "localhost:4318",
        "LOCALHOST:4318",
        "127.0.0.1",
        "127.0.0.1:4318",
        "[::1]",
        "[::1]:4318"
      })
  void loopbackHostsAreServed(String host) throws Exception {
    int port = start(ServerOptions.defaults());

    RawHttp.Response response = post(port, host, export());

    assertThat(response.status()).isEqualTo(200);
    assertThat(receiver.store().spanCount()).isEqualTo(1);
  }

  @Test
  void aReceiverBoundElsewhereServesAnyHost() throws Exception {
    // given a receiver bound to every interface (reached here over loopback)
    int port = start("0.0.0.0", ServerOptions.defaults());

    // when a request names any host
    RawHttp.Response response = post(port, "collector.example:4318", export());

    // then it is served: the network, not the Host header, is the boundary
    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void noCorsHeadersUnlessConfigured() throws Exception {
    int port = start(ServerOptions.defaults());

    RawHttp.Response post = post(port, "127.0.0.1", export(), "Origin", "http://localhost:5173");
    RawHttp.Response preflight =
        RawHttp.exchange(
            port,
            RawHttp.head(
                "OPTIONS",
                "/v1/traces",
                "Host",
                "127.0.0.1",
                "Origin",
                "http://localhost:5173",
                "Access-Control-Request-Method",
                "POST"),
            new byte[0],
            READ);

    assertThat(post.status()).isEqualTo(200);
    assertThat(post.headers().keySet()).noneMatch(name -> name.startsWith("access-control-"));
    assertThat(preflight.status()).isEqualTo(405);
    assertThat(preflight.headers().keySet()).noneMatch(name -> name.startsWith("access-control-"));
  }

  @Test
  void configuredOriginsGetCorsHeadersAndOthersDoNot() throws Exception {
    int port =
        start(ServerOptions.defaults().withCorsAllowedOrigins(List.of("http://localhost:5173")));

    RawHttp.Response preflight =
        RawHttp.exchange(
            port,
            RawHttp.head(
                "OPTIONS",
                "/v1/traces",
                "Host",
                "127.0.0.1",
                "Origin",
                "http://localhost:5173",
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "content-type"),
            new byte[0],
            READ);
    RawHttp.Response allowed = post(port, "127.0.0.1", export(), "Origin", "http://localhost:5173");
    RawHttp.Response other = post(port, "127.0.0.1", export(), "Origin", "http://evil.example");

    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:5173");
    assertThat(preflight.header("Access-Control-Allow-Methods")).isEqualTo("POST");
    assertThat(preflight.header("Access-Control-Allow-Headers")).contains("Content-Type");
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:5173");
    assertThat(allowed.header("Vary")).contains("Origin");
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.headers().keySet()).noneMatch(name -> name.startsWith("access-control-"));
  }

  // ------------------------------------------------------------------ 413 and 100-continue

  @Test
  void aContentLengthAboveTheLimitIs413BeforeTheBodyIsSent() throws Exception {
    int port = start(ServerOptions.defaults());
    try (Socket socket = connect(port)) {
      // given only a head announcing 10 GB, and no body at all
      socket
          .getOutputStream()
          .write(
              RawHttp.head(
                  "POST",
                  "/v1/traces",
                  "Host",
                  "127.0.0.1",
                  "Content-Type",
                  PROTOBUF,
                  "Content-Length",
                  Long.toString(10L << 30)));

      // when the response is read, then it is a 413 and the connection is closed
      RawHttp.Response response = RawHttp.read(socket.getInputStream());
      assertThat(response.status()).isEqualTo(413);
      assertThat(status(response).getMessage()).contains(Integer.toString(LIMIT));
      assertThat(response.header("Connection")).isEqualTo("close");
      assertThat(RawHttp.closedByServer(socket.getInputStream())).isTrue();
    }
  }

  @Test
  void expectContinueWithAnOversizeLengthGets413AndNo100() throws Exception {
    int port = start(ServerOptions.defaults());
    try (Socket socket = connect(port)) {
      socket
          .getOutputStream()
          .write(
              RawHttp.head(
                  "POST",
                  "/v1/traces",
                  "Host",
                  "127.0.0.1",
                  "Content-Type",
                  PROTOBUF,
                  "Content-Length",
                  Integer.toString(LIMIT + 1),
                  "Expect",
                  "100-continue"));

      RawHttp.Response response = RawHttp.read(socket.getInputStream());

      assertThat(response.interim()).isEmpty();
      assertThat(response.status()).isEqualTo(413);
    }
  }

  @Test
  void expectContinueWithinTheLimitGets100ThenIsServed() throws Exception {
    int port = start(ServerOptions.defaults());
    byte[] body = export();
    try (Socket socket = connect(port)) {
      // given a head that waits for 100 Continue before its body
      OutputStream out = socket.getOutputStream();
      out.write(
          RawHttp.head(
              "POST",
              "/v1/traces",
              "Host",
              "127.0.0.1",
              "Content-Type",
              PROTOBUF,
              "Content-Length",
              Integer.toString(body.length),
              "Expect",
              "100-continue"));
      out.flush();

      // when the server asks for the body and gets it
      assertThat(RawHttp.readHead(socket.getInputStream())).isEqualTo(100);
      out.write(body);
      out.flush();

      // then the request is served
      assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(200);
    }
  }

  // ------------------------------------------------------------------ decode budget

  @Test
  void requestsOverTheDecodeBudgetGet503WithRetryAfter() throws Exception {
    // given a budget that a 60 KB body fills but for less than a small export needs
    byte[] holder = exportOfSize(60_000);
    long small = export().length;
    int port =
        start(
            ServerOptions.defaults()
                .withDecodeBudgetBytes(
                    (holder.length + small) * HttpReceiver.PROTOBUF_COST_PER_BYTE - 1));
    try (Socket slow = connect(port)) {
      // and a request that holds it: head and half its body sent, the rest withheld
      OutputStream out = slow.getOutputStream();
      out.write(
          RawHttp.head(
              "POST",
              "/v1/traces",
              "Host",
              "127.0.0.1",
              "Content-Type",
              PROTOBUF,
              "Content-Length",
              Integer.toString(holder.length)));
      out.write(holder, 0, holder.length / 2);
      out.flush();
      awaitBudgetTaken();

      // when another request comes
      long t0 = System.nanoTime();
      RawHttp.Response refused = post(port, "127.0.0.1", export());
      long waitedMillis = (System.nanoTime() - t0) / 1_000_000;

      // then it gets 503 with Retry-After after a short wait, and its connection survives
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.header("Retry-After")).isEqualTo("1");
      assertThat(status(refused).getCode()).isEqualTo(14);
      assertThat(refused.header("Connection")).isNull();
      assertThat(waitedMillis).isGreaterThanOrEqualTo(900);

      // and once the holder finishes, both are served
      out.write(holder, holder.length / 2, holder.length - holder.length / 2);
      out.flush();
      assertThat(RawHttp.read(slow.getInputStream()).status()).isEqualTo(200);
    }
    assertThat(post(port, "127.0.0.1", export()).status()).isEqualTo(200);
  }

  private void awaitBudgetTaken() throws InterruptedException {
    long capacity = receiver.decodeBudget().capacity();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (budgetAvailable() == capacity && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(budgetAvailable()).isLessThan(capacity);
  }

  @Test
  void aBodyThatCouldNeverFitTheDecodeBudgetIs413NotARetry() throws Exception {
    // given a budget smaller than what a 60 KB body is estimated to take
    int port = start(ServerOptions.defaults().withDecodeBudgetBytes(64 * 1024));

    // when it is sent
    RawHttp.Response response = post(port, "127.0.0.1", exportOfSize(60_000));

    // then it is refused as too large (not retryable), saying why
    assertThat(response.status()).isEqualTo(413);
    assertThat(status(response).getMessage()).contains("decode budget");
    assertThat(post(port, "127.0.0.1", export()).status()).isEqualTo(200);
  }

  private long budgetAvailable() {
    return receiver.decodeBudget().available();
  }

  /** A valid export request of exactly {@code size} bytes: one span with a long name. */
  private static byte[] exportOfSize(int size) {
    ExportTraceServiceRequest request =
        HttpReceiverTest.traces(HttpReceiverTest.randomHex(16), HttpReceiverTest.randomHex(8));
    Span span = request.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    for (int pad = size - request.getSerializedSize() - 8; pad < size; pad++) {
      ExportTraceServiceRequest padded =
          request.toBuilder()
              .setResourceSpans(
                  0,
                  request.getResourceSpans(0).toBuilder()
                      .setScopeSpans(
                          0,
                          request.getResourceSpans(0).getScopeSpans(0).toBuilder()
                              .setSpans(0, span.toBuilder().setName("x".repeat(pad)))))
              .build();
      if (padded.getSerializedSize() == size) {
        return padded.toByteArray();
      }
    }
    throw new AssertionError("cannot build an export of " + size + " bytes");
  }

  // ------------------------------------------------------------------ errors in handlers

  @ParameterizedTest
  @ValueSource(strings = {"OutOfMemoryError", "StackOverflowError", "AssertionError"})
  void anErrorInTheHandlerGets503AndTheReceiverKeepsServing(String error) throws Exception {
    int port = start(ServerOptions.defaults());
    SpanListener failing =
        spans -> {
          throw switch (error) {
            case "OutOfMemoryError" -> new OutOfMemoryError("simulated");
            case "StackOverflowError" -> new StackOverflowError("simulated");
            default -> new AssertionError("simulated");
          };
        };
    receiver.store().addListener(failing);

    long t0 = System.nanoTime();
    RawHttp.Response response = post(port, "127.0.0.1", export());

    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.header("Retry-After")).isEqualTo("1");
    assertThat(status(response).getMessage()).doesNotContain("Error").doesNotContain("java.");
    receiver.store().removeListener(failing);
    assertThat(post(port, "127.0.0.1", export()).status()).isEqualTo(200);
  }

  // ------------------------------------------------------------------ slow and silent clients

  @Test
  void slowHeadsAreClosedAfterTheHeaderTimeout() throws Exception {
    // given a 1 s header timeout and 20 clients that send a header byte every 100 ms
    int port = start(ServerOptions.defaults().withHeaderTimeout(Duration.ofSeconds(1)));
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    List<Future<Duration>> clients = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      clients.add(
          CompletableFuture.supplyAsync(
              () -> dribble(port, "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", 100),
              pool));
    }

    // then each is closed after about a second, while a normal request is still served
    assertThat(post(port, "127.0.0.1", export()).status()).isEqualTo(200);
    for (Future<Duration> client : clients) {
      assertThat(client.get(30, TimeUnit.SECONDS))
          .isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
    }
    pool.close();
  }

  @Test
  void slowBodiesAreCutOffByTheMinimumRate() throws Exception {
    // given the default minimum rate (16 KiB/s, checked after 5 s) and a body at 10 bytes a second
    int port = start(ServerOptions.defaults());
    String head =
        "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            + PROTOBUF
            + "\r\nContent-Length: 10000\r\n\r\n";

    Duration closedAfter = dribble(port, head, 100);

    // then it is cut off a little after the grace period
    assertThat(closedAfter)
        .isBetween(ServerOptions.BODY_RATE_GRACE, ServerOptions.BODY_RATE_GRACE.plusSeconds(5));
  }

  @Test
  void silentConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
    int port = start(ServerOptions.defaults().withIdleTimeout(Duration.ofSeconds(1)));
    try (Socket silent = connect(port);
        Socket stalled = connect(port)) {
      stalled
          .getOutputStream()
          .write(
              RawHttp.head(
                  "POST",
                  "/v1/traces",
                  "Host",
                  "127.0.0.1",
                  "Content-Type",
                  PROTOBUF,
                  "Content-Length",
                  "1000"));
      long t0 = System.nanoTime();

      assertThat(RawHttp.closedByServer(silent.getInputStream())).isTrue();
      assertThat(RawHttp.closedByServer(stalled.getInputStream())).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }
  }

  /** Sends {@code head}, then a byte every {@code periodMillis}, until the server closes. */
  private static Duration dribble(int port, String head, long periodMillis) {
    long start = System.nanoTime();
    try (Socket socket = connect(port)) {
      socket.setSoTimeout((int) periodMillis);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30)) {
        out.write('a');
        out.flush();
        try {
          if (in.read() < 0 || RawHttp.closedByServer(in)) {
            break;
          }
        } catch (java.net.SocketTimeoutException e) {
          // the period passed: next byte
        }
      }
    } catch (IOException e) {
      // reset: closed
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  // ------------------------------------------------------------------ error bodies

  @Test
  void errorBodiesQuoteLittleOfTheRequestAndNoJavaClasses() throws Exception {
    int port = start(ServerOptions.defaults());
    String longPath = "/v1/" + "a".repeat(2000);

    RawHttp.Response notFound =
        RawHttp.exchange(
            port,
            RawHttp.head("POST", longPath, "Host", "127.0.0.1", "Content-Length", "0"),
            new byte[0],
            READ);
    RawHttp.Response badType =
        RawHttp.exchange(
            port,
            RawHttp.head(
                "POST",
                "/v1/traces",
                "Host",
                "127.0.0.1",
                "Content-Type",
                "text/\u009b31m" + "x".repeat(500),
                "Content-Length",
                "0"),
            new byte[0],
            READ);
    byte[] badJson =
        ("{\"resourceSpans\": [{\"x\": \"" + "b".repeat(5000)).getBytes(StandardCharsets.UTF_8);
    RawHttp.Response malformed =
        RawHttp.exchange(
            port,
            RawHttp.head(
                "POST",
                "/v1/traces",
                "Host",
                "127.0.0.1",
                "Content-Type",
                "application/json",
                "Content-Length",
                Integer.toString(badJson.length)),
            badJson,
            READ);
    RawHttp.Response truncated = post(port, "127.0.0.1", java.util.Arrays.copyOf(export(), 20));
    RawHttp.Response controlInHeader =
        RawHttp.exchange(
            port,
            RawHttp.head(
                "POST",
                "/v1/traces",
                "Host",
                "127.0.0.1",
                "Content-Type",
                "text/\u001b]0;pwned\u0007plain",
                "Content-Length",
                "0"),
            new byte[0],
            READ);

    assertThat(notFound.status()).isEqualTo(404);
    assertThat(status(notFound).getMessage()).hasSizeLessThan(200).contains("aaaa...");
    assertThat(badType.status()).isEqualTo(415);
    assertThat(status(badType).getMessage())
        .hasSizeLessThan(200)
        .contains("\\u009b")
        .doesNotContain("\u009b");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.bodyText())
        .hasSizeLessThan(300)
        .doesNotContain("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    assertThat(controlInHeader.status()).isEqualTo(400);
    assertThat(controlInHeader.body().size()).isLessThan(100);
    for (RawHttp.Response response :
        List.of(notFound, badType, malformed, truncated, controlInHeader)) {
      assertThat(response.bodyText())
          .doesNotContainPattern("[a-z]+\\.[a-z]+\\.[A-Za-z.]*(Exception|Error)")
          .doesNotContain("java.");
    }
  }

  @Test
  void requestsJettyRejectsItselfGetShortStatusBodies() throws Exception {
    int port = start(ServerOptions.defaults());
    try (Socket garbage = connect(port)) {
      garbage
          .getOutputStream()
          .write("GET /\u0001\u0002 HTTP/9.9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Response response = RawHttp.read(garbage.getInputStream());
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.header("Content-Type")).isEqualTo(PROTOBUF);
      assertThat(response.body().size()).isLessThan(100);
    }
    RawHttp.Response hugeHeader =
        RawHttp.exchange(
            port,
            RawHttp.head("POST", "/v1/traces", "Host", "127.0.0.1", "X-Big", "c".repeat(64 * 1024)),
            new byte[0],
            READ);
    assertThat(hugeHeader.status()).isEqualTo(431);
    assertThat(hugeHeader.bodyText()).doesNotContain("ccccccccc").doesNotContain("Exception");
  }

  // ------------------------------------------------------------------ stopping

  @Test
  void aGracefulStopLetsARequestInFlightFinish() throws Exception {
    int port = start(ServerOptions.defaults());
    byte[] body = export();
    try (Socket inFlight = connect(port)) {
      // given a request whose body is half sent
      OutputStream out = inFlight.getOutputStream();
      out.write(
          RawHttp.head(
              "POST",
              "/v1/traces",
              "Host",
              "127.0.0.1",
              "Content-Type",
              PROTOBUF,
              "Content-Length",
              Integer.toString(body.length)));
      out.write(body, 0, body.length / 2);
      out.flush();
      Thread.sleep(200); // let the handler start reading

      // when the receiver stops with a grace period
      CompletableFuture<Void> stopping =
          CompletableFuture.runAsync(() -> receiver.stop(Duration.ofSeconds(20)));
      awaitRefused(port);

      // then the request in flight is still answered, and the stop completes
      out.write(body, body.length / 2, body.length - body.length / 2);
      out.flush();
      assertThat(RawHttp.read(inFlight.getInputStream()).status()).isEqualTo(200);
      stopping.get(20, TimeUnit.SECONDS);
    }
    assertThat(receiver.store().spanCount()).isEqualTo(1);
    assertThat(receiver.isRunning()).isFalse();
  }

  @Test
  void anImmediateStopCutsOffARequestInFlight() throws Exception {
    int port = start(ServerOptions.defaults());
    try (Socket inFlight = connect(port)) {
      inFlight
          .getOutputStream()
          .write(
              RawHttp.head(
                  "POST",
                  "/v1/traces",
                  "Host",
                  "127.0.0.1",
                  "Content-Type",
                  PROTOBUF,
                  "Content-Length",
                  "1000"));
      Thread.sleep(200);

      long t0 = System.nanoTime();
      receiver.stop();

      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(RawHttp.closedByServer(inFlight.getInputStream())).isTrue();
    }
  }

  private static void awaitRefused(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      } catch (IOException refused) {
        return;
      }
      Thread.sleep(20);
    }
    assertThatThrownBy(() -> connect(port)).isInstanceOf(IOException.class);
  }
}
