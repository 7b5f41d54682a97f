package dev.shuttle.receiver.viewer;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Serves the viewer page and the viewer API's fixture answers on loopback, for working on the page
 * without the real server and for the page's browser tests: the contract's paths, headers and
 * Content-Security-Policy (plus a {@code report-uri}, so that a test sees every violation).
 *
 * <p>Run it by hand with {@code main}: {@code java -cp <test classpath> FixtureServer [port]
 * [--assets DIR] [--no-events] [--tick SECONDS]}; {@code --assets} serves the page from a source
 * directory, so that an edit shows on reload.
 *
 * <p>Implementation note: the HTTP server runs each exchange on a virtual thread. Shared mutable
 * state is three thread-safe collections: the event-stream clients ({@code streams}, a {@link
 * CopyOnWriteArrayList}; a client is added by its exchange's thread and removed by it when the
 * stream ends), the paths requested and the CSP reports (both {@link CopyOnWriteArrayList}s, only
 * appended to). Each client's output stream is written under its own {@link ReentrantLock}, by
 * {@link #announce} (any thread) and by its exchange's thread (the keep-alive comment); a client
 * whose write fails is closed and its exchange's thread returns. {@link #close} counts down every
 * client's latch, so that no exchange thread outlives the server.
 */
public final class FixtureServer implements AutoCloseable {
  /** The Content-Security-Policy of docs/viewer-api.md. */
  public static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  private static final String ASSETS = "dev/shuttle/receiver/viewer/assets/";
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
  private static final Pattern ASSET = Pattern.compile("[a-z][a-z0-9-]*\\.(js|css|html)");
  private static final Pattern UPLOT_ASSET = Pattern.compile("uPlot\\.(iife\\.min\\.js|min\\.css)");
  private static final Pattern AMPERSAND = Pattern.compile("&");
  private static final long KEEP_ALIVE_SECONDS = 15;

  private final FixtureApi api = new FixtureApi();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final @Nullable Path assetDirectory;
  private final boolean events;
  private final List<Stream> streams = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> cspReports = new CopyOnWriteArrayList<>();

  private FixtureServer(int port, @Nullable Path assetDirectory, boolean events)
      throws IOException {
    this.assetDirectory = assetDirectory;
    this.events = events;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts a server on an ephemeral loopback port.
   *
   * @param events whether {@code /api/events} streams (else it answers 404, and the page polls)
   * @return the running server
   * @throws IOException if the port cannot be bound
   */
  public static FixtureServer start(boolean events) throws IOException {
    return new FixtureServer(0, null, events);
  }

  /**
   * The base URL, such as {@code http://127.0.0.1:41234}.
   *
   * @return the URL without a trailing slash
   */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * The fixture traces' ids, newest first, as {@code /api/traces} lists them unfiltered.
   *
   * @return the ids
   */
  public List<String> traceIds() {
    return api.traceIds();
  }

  /**
   * Every path requested so far, with its query, in order ({@code "GET /api/traces?.."}).
   *
   * @return a copy
   */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /**
   * The bodies of the Content-Security-Policy violation reports the browser sent.
   *
   * @return a copy; empty when nothing was blocked
   */
  public List<String> cspReports() {
    return List.copyOf(cspReports);
  }

  /**
   * Sends {@code event: traces} to every open event stream.
   *
   * @param traceIds the ids the event names
   */
  public void announceTraces(List<String> traceIds) {
    StringBuilder data = new StringBuilder("{\"traceIds\":[");
    for (int i = 0; i < traceIds.size(); i++) {
      data.append(i == 0 ? "\"" : ",\"").append(traceIds.get(i)).append('"');
    }
    announce("event: traces\ndata: " + data + "]}\n\n");
  }

  /** Sends {@code event: metrics} to every open event stream. */
  public void announceMetrics() {
    announce("event: metrics\ndata: {}\n\n");
  }

  private void announce(String message) {
    for (Stream stream : streams) {
      stream.send(message);
    }
  }

  /** Stops the server and ends every event stream. */
  @Override
  public void close() {
    for (Stream stream : streams) {
      stream.end();
    }
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      String rawQuery = exchange.getRequestURI().getRawQuery();
      requests.add(method + " " + path + (rawQuery == null ? "" : "?" + rawQuery));
      Headers headers = exchange.getResponseHeaders();
      headers.set("Content-Security-Policy", CSP + "; report-uri /csp-report");
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("Referrer-Policy", "no-referrer");
      if (method.equals("POST") && path.equals("/csp-report")) {
        cspReports.add(
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        headers.set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      if (path.startsWith("/api/")) {
        headers.set("Cache-Control", "no-store");
        api(exchange, path, query(rawQuery));
      } else if (path.equals("/") || path.equals("/metrics") || path.startsWith("/trace/")) {
        asset(exchange, "index.html");
      } else if (path.startsWith("/assets/uplot/")) {
        String name = path.substring("/assets/uplot/".length());
        byte[] body = UPLOT_ASSET.matcher(name).matches() ? classpath(UPLOT + name) : null;
        send(exchange, body == null ? 404 : 200, contentType(name), body);
      } else if (path.startsWith("/assets/")) {
        asset(exchange, path.substring("/assets/".length()));
      } else {
        send(exchange, 404, "text/plain; charset=utf-8", bytes("not found"));
      }
    }
  }

  private void api(HttpExchange exchange, String path, Map<String, String> query)
      throws IOException {
    String json = "application/json; charset=utf-8";
    if (path.equals("/api/traces")) {
      send(exchange, 200, json, bytes(api.traceList(query).toString()));
    } else if (path.startsWith("/api/traces/")) {
      Optional<JsonObject> trace = api.trace(path.substring("/api/traces/".length()));
      send(
          exchange,
          trace.isPresent() ? 200 : 404,
          json,
          bytes(trace.map(JsonObject::toString).orElse("{\"error\":\"no such trace\"}")));
    } else if (path.equals("/api/metrics")) {
      send(exchange, 200, json, bytes(api.metrics().toString()));
    } else if (path.equals("/api/metrics/series")) {
      Optional<JsonObject> series =
          api.series(query.getOrDefault("name", ""), query.getOrDefault("service", ""));
      send(
          exchange,
          series.isPresent() ? 200 : 404,
          json,
          bytes(series.map(JsonObject::toString).orElse("{\"error\":\"no such instrument\"}")));
    } else if (path.equals("/api/events") && events) {
      stream(exchange);
    } else {
      send(exchange, 404, json, bytes("{\"error\":\"not found\"}"));
    }
  }

  private void stream(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    Stream stream = new Stream(exchange.getResponseBody());
    streams.add(stream);
    try {
      stream.send(": connected\n\n");
      while (!stream.ended.await(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS)) {
        stream.send(": keep-alive\n\n");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      streams.remove(stream);
    }
  }

  private void asset(HttpExchange exchange, String name) throws IOException {
    byte[] body = null;
    if (ASSET.matcher(name).matches()) {
      if (assetDirectory != null) {
        Path file = assetDirectory.resolve(name);
        body = Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
      } else {
        body = classpath(ASSETS + name);
      }
    }
    send(exchange, body == null ? 404 : 200, contentType(name), body);
  }

  private static byte @Nullable [] classpath(String resource) throws IOException {
    try (InputStream in = FixtureServer.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    }
  }

  private static String contentType(String name) {
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    } else if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    } else if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    return "text/plain; charset=utf-8";
  }

  private static void send(HttpExchange exchange, int status, String type, byte @Nullable [] body)
      throws IOException {
    byte[] content = body == null ? bytes("not found") : body;
    exchange.getResponseHeaders().set("Content-Type", body == null ? "text/plain" : type);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, content.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(content);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> query(@Nullable String rawQuery) {
    Map<String, String> query = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : AMPERSAND.splitAsStream(rawQuery).toList()) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.putIfAbsent(key, value);
    }
    return query;
  }

  /** One open event stream. */
  private static final class Stream {
    private final ReentrantLock lock = new ReentrantLock();
    private final OutputStream out;
    final CountDownLatch ended = new CountDownLatch(1);

    Stream(OutputStream out) {
      this.out = out;
    }

    void send(String message) {
      lock.lock();
      try {
        out.write(bytes(message));
        out.flush();
      } catch (IOException e) {
        ended.countDown(); // the browser went away
      } finally {
        lock.unlock();
      }
    }

    void end() {
      ended.countDown();
    }
  }

  /**
   * Serves the fixtures until the process is stopped.
   *
   * @param args {@code [port] [--assets DIR] [--no-events] [--tick SECONDS]}: port 0 (the default)
   *     picks a free one; {@code --assets} serves the page from a directory instead of the
   *     classpath; {@code --tick} announces every trace and the metrics that often
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    int port = 0;
    Path assets = null;
    boolean events = true;
    long tick = 0;
    List<String> rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      String arg = rest.remove(0);
      switch (arg) {
        case "--assets" -> assets = Path.of(rest.remove(0));
        case "--no-events" -> events = false;
        case "--tick" -> tick = Long.parseLong(rest.remove(0));
        default -> port = Integer.parseInt(arg);
      }
    }
    FixtureServer server = new FixtureServer(port, assets, events);
    System.out.println("Viewer fixtures on " + server.url() + "/");
    while (true) {
      Thread.sleep(tick > 0 ? TimeUnit.SECONDS.toMillis(tick) : Long.MAX_VALUE);
      server.announceTraces(server.traceIds());
      server.announceMetrics();
    }
  }
}
