package dev.shuttle.receiver;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The load harness of ADR 0007: starts a receiver in a child JVM with a small heap and drives it
 * over loopback with (a) concurrent large OTLP/HTTP protobuf exports, (b) a burst of small exports
 * on fresh connections and a sustained keep-alive load, (c) slow clients that send a byte a second,
 * in the headers or in the body.
 *
 * <p>Run from the module directory after {@code mvn test-compile}, for example:
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat cp.txt) dev.shuttle.receiver.LoadDriver \
 *     --xmx 256m --scenarios a,b,c
 * </pre>
 *
 * where {@code cp.txt} holds the test class path ({@code mvn dependency:build-classpath
 * -Dmdep.outputFile=cp.txt}). {@code --child-cp} runs another build of the receiver in the child
 * (the child's main class, {@code --child-main}, defaults to {@link LoadChild}).
 *
 * <p>Thread-safety: one driver per child; scenarios run one after another.
 */
final class LoadDriver implements AutoCloseable {
  private static final String PROTOBUF = "application/x-protobuf";

  private final Process child;
  private final int port;
  private final BlockingQueue<String> childLines = new LinkedBlockingQueue<>();
  private final Path stderr;

  private LoadDriver(Process child, Path stderr) throws IOException, InterruptedException {
    this.child = child;
    this.stderr = stderr;
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  childLines.add(line);
                }
              } catch (IOException e) {
                // child gone
              }
            });
    String first = childLines.poll(60, TimeUnit.SECONDS);
    if (first == null || !first.startsWith("PORT ")) {
      child.destroyForcibly();
      throw new IOException("child did not start: " + first + "\n" + Files.readString(stderr));
    }
    this.port = Integer.parseInt(first.substring(5).trim());
  }

  /**
   * Starts a child JVM running {@code mainClass} from {@code classpath} with the given heap.
   *
   * @param classpath the child's class path
   * @param mainClass the child's main class, which prints {@code PORT n} first
   * @param xmx the heap, such as {@code 256m}
   * @param mainArgs the child's arguments
   * @return a driver for it
   * @throws IOException if the child does not start
   */
  static LoadDriver start(String classpath, String mainClass, String xmx, String... mainArgs)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + xmx, "-cp", classpath));
    command.add(mainClass);
    command.addAll(List.of(mainArgs));
    Path stderr = Files.createTempFile("load-child", ".err");
    Process child =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()))
            .start();
    return new LoadDriver(child, stderr);
  }

  int port() {
    return port;
  }

  boolean alive() {
    return child.isAlive();
  }

  /** Sends a command line to the child and returns its answer, or null if none within 30 s. */
  @Nullable String command(String command) throws IOException, InterruptedException {
    OutputStream in = child.getOutputStream();
    in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
    return childLines.poll(30, TimeUnit.SECONDS);
  }

  /** The child's resident set in KiB, or -1. */
  long rssKiB() {
    return procStatus("VmRSS:");
  }

  /** The child's peak resident set since it started, in KiB, or -1. */
  long peakRssKiB() {
    return procStatus("VmHWM:");
  }

  private long procStatus(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + child.pid() + "/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or gone
    }
    return -1;
  }

  /** How many lines of the child's standard error mention {@code text}. */
  long stderrLines(String text) throws IOException {
    return Files.readAllLines(stderr).stream().filter(l -> l.contains(text)).count();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    child.getOutputStream().close();
    if (!child.waitFor(10, TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Files.deleteIfExists(stderr);
  }

  // ---------------------------------------------------------------- data

  /**
   * An export request of {@code spans} spans (100 per trace) padded to about {@code targetBytes}.
   *
   * @param spans the span count
   * @param targetBytes the wanted serialized size
   * @return the serialized request
   */
  static byte[] traces(int spans, int targetBytes) {
    int pad = Math.max(0, (targetBytes - traces(spans, 0, 1).length) / spans);
    byte[] request = traces(spans, pad, 1);
    if (request.length > targetBytes) { // the longer padding made some length prefixes longer
      pad = Math.max(0, pad - (request.length - targetBytes + spans - 1) / spans);
      request = traces(spans, pad, 1);
    }
    return request;
  }

  private static byte[] traces(int spans, int pad, long seed) {
    Random random = new Random(seed);
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    byte[] traceId = new byte[16];
    String padding = "x".repeat(pad);
    for (int i = 0; i < spans; i++) {
      if (i % 100 == 0) {
        random.nextBytes(traceId);
      }
      byte[] spanId = new byte[8];
      random.nextBytes(spanId);
      scope.addSpans(
          Span.newBuilder()
              .setTraceId(ByteString.copyFrom(traceId))
              .setSpanId(ByteString.copyFrom(spanId))
              .setName("load-span-" + (i % 50))
              .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
              .setStartTimeUnixNano(1_700_000_000_000_000_000L + i)
              .setEndTimeUnixNano(1_700_000_000_000_100_000L + i)
              .addAttributes(attribute("http.route", "/api/items/" + (i % 20)))
              .addAttributes(attribute("load.index", Integer.toString(i)))
              .addAttributes(attribute("load.pad", padding)));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "load")))
                .addScopeSpans(scope))
        .build()
        .toByteArray();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static byte[] smallExport() {
    return traces(1, 0, System.nanoTime());
  }

  byte[] exportHead(int length) {
    return RawHttp.head(
        "POST",
        "/v1/traces",
        "Host",
        "127.0.0.1:" + port,
        "Content-Type",
        PROTOBUF,
        "Content-Length",
        Integer.toString(length),
        "Connection",
        "close");
  }

  boolean stillServes() {
    byte[] body = smallExport();
    try {
      return RawHttp.exchange(port, exportHead(body.length), body, Duration.ofSeconds(10)).status()
          == 200;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- (a) large exports

  static boolean retryable(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  /** The outcome of {@link #largeExports}. */
  record LargeExports(
      Map<Integer, Integer> statuses,
      int connectionErrors,
      int timeouts,
      int withRetryAfter,
      long wallMillis,
      long maxRssKiB,
      boolean stillServes,
      long deliveredWithRetries,
      long deliveryMillis,
      long attempts) {
    int ok() {
      return statuses.getOrDefault(200, 0);
    }

    int retryableStatuses() {
      return statuses.entrySet().stream()
          .filter(e -> retryable(e.getKey()))
          .mapToInt(Map.Entry::getValue)
          .sum();
    }

    int other() {
      return statuses.values().stream().mapToInt(Integer::intValue).sum()
          - ok()
          - retryableStatuses();
    }

    @Override
    public String toString() {
      return String.format(
          "first attempt: 200=%d retryable=%d (with Retry-After %d) other=%d"
              + " connection-errors=%d timeouts=%d; statuses %s; wall %d ms; child max RSS %d MiB;"
              + " still serves: %s%s",
          ok(),
          retryableStatuses(),
          withRetryAfter,
          other(),
          connectionErrors,
          timeouts,
          statuses,
          wallMillis,
          maxRssKiB >> 10,
          stillServes,
          attempts == 0
              ? ""
              : String.format(
                  "; with retries (Retry-After honoured): %d delivered in %d ms, %d attempts",
                  deliveredWithRetries, deliveryMillis, attempts));
    }
  }

  /**
   * Sends {@code requests} copies of {@code body} at once, each on its own connection.
   *
   * @param requests how many
   * @param body the serialized request
   * @param timeout per request
   * @param retry whether to then retry the refused ones until all are delivered (or the timeout)
   * @return the outcome
   */
  LargeExports largeExports(int requests, byte[] body, Duration timeout, boolean retry)
      throws Exception {
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger timeouts = new AtomicInteger();
    AtomicInteger retryAfter = new AtomicInteger();
    AtomicLong delivered = new AtomicLong();
    AtomicLong attempts = new AtomicLong();
    AtomicLong maxRss = new AtomicLong();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler = rssSampler(maxRss, sampling);
    byte[] head = exportHead(body.length);
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    AtomicLong lastDelivery = new AtomicLong(start);
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < requests; i++) {
        clients.submit(
            () -> {
              go.await();
              boolean first = true;
              while (true) {
                int status;
                String after = null;
                try {
                  RawHttp.Response response = RawHttp.exchange(port, head, body, timeout);
                  status = response.status();
                  after = response.header("Retry-After");
                } catch (SocketTimeoutException e) {
                  status = -2;
                } catch (IOException e) {
                  status = -1;
                }
                if (first) {
                  first = false;
                  if (status == -2) {
                    timeouts.incrementAndGet();
                  } else if (status == -1) {
                    errors.incrementAndGet();
                  } else {
                    statuses.merge(status, 1, Integer::sum);
                    if (after != null) {
                      retryAfter.incrementAndGet();
                    }
                  }
                }
                if (!retry) {
                  return null;
                }
                attempts.incrementAndGet();
                if (status == 200) {
                  delivered.incrementAndGet();
                  lastDelivery.accumulateAndGet(System.nanoTime(), Math::max);
                  return null;
                }
                if (!(retryable(status) || status == -1) || System.nanoTime() > deadline) {
                  return null;
                }
                long waitMillis = after != null ? Long.parseLong(after.trim()) * 1000 : 1000;
                Thread.sleep(waitMillis / 2 + (long) (Math.random() * waitMillis));
              }
            });
      }
      go.countDown();
    }
    long wall = (System.nanoTime() - start) / 1_000_000;
    sampling.set(false);
    sampler.join();
    return new LargeExports(
        new TreeMap<>(statuses),
        errors.get(),
        timeouts.get(),
        retryAfter.get(),
        wall,
        maxRss.get(),
        alive() && stillServes(),
        delivered.get(),
        (lastDelivery.get() - start) / 1_000_000,
        attempts.get());
  }

  private Thread rssSampler(AtomicLong maxRss, AtomicBoolean sampling) {
    return Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              while (sampling.get()) {
                maxRss.accumulateAndGet(rssKiB(), Math::max);
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
  }

  // ---------------------------------------------------------------- (b) many small exports

  /** Latency figures of a run of small exports. */
  record Latencies(
      int requests,
      int failures,
      long wallMillis,
      List<Long> sortedMicros,
      Map<String, Integer> failureKinds) {
    long percentile(double p) {
      if (sortedMicros.isEmpty()) {
        return -1;
      }
      return sortedMicros.get((int) Math.min(sortedMicros.size() - 1, p * sortedMicros.size()));
    }

    @Override
    public String toString() {
      return String.format(
          "%d requests, %d failed %s, wall %d ms, %.0f requests/s, latency p50 %.1f ms p99 %.1f"
              + " ms max %.1f ms",
          requests,
          failures,
          failureKinds,
          wallMillis,
          (requests - failures) * 1000.0 / Math.max(1, wallMillis),
          percentile(0.50) / 1000.0,
          percentile(0.99) / 1000.0,
          percentile(1.0) / 1000.0);
    }
  }

  /**
   * Sends {@code requests} small exports at once, each on a fresh connection.
   *
   * @param requests how many
   * @return their latencies
   */
  Latencies burst(int requests) throws Exception {
    long[] micros = new long[requests];
    AtomicInteger failures = new AtomicInteger();
    Map<String, Integer> kinds = new ConcurrentHashMap<>();
    CountDownLatch go = new CountDownLatch(1);
    long start;
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < requests; i++) {
        int index = i;
        clients.submit(
            () -> {
              byte[] body = smallExport();
              go.await();
              long t0 = System.nanoTime();
              try {
                int status =
                    RawHttp.exchange(port, exportHead(body.length), body, Duration.ofSeconds(60))
                        .status();
                if (status != 200) {
                  failures.incrementAndGet();
                  kinds.merge("status " + status, 1, Integer::sum);
                }
              } catch (IOException e) {
                failures.incrementAndGet();
                kinds.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
              }
              micros[index] = (System.nanoTime() - t0) / 1000;
              return null;
            });
      }
      start = System.nanoTime();
      go.countDown();
    }
    long wall = (System.nanoTime() - start) / 1_000_000;
    Arrays.sort(micros);
    return new Latencies(
        requests,
        failures.get(),
        wall,
        Arrays.stream(micros).boxed().toList(),
        new TreeMap<>(kinds));
  }

  /**
   * Runs {@code workers} keep-alive clients that export small requests back to back.
   *
   * @param workers concurrent clients
   * @param duration how long
   * @return their latencies
   */
  Latencies sustained(int workers, Duration duration) throws Exception {
    List<Long> micros = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failures = new AtomicInteger();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    try (HttpClient client =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      URI uri = URI.create("http://127.0.0.1:" + port + "/v1/traces");
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        futures.add(
            clients.submit(
                () -> {
                  byte[] body = smallExport();
                  while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                      HttpResponse<Void> response =
                          client.send(
                              HttpRequest.newBuilder(uri)
                                  .header("Content-Type", PROTOBUF)
                                  .timeout(Duration.ofSeconds(30))
                                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                  .build(),
                              HttpResponse.BodyHandlers.discarding());
                      if (response.statusCode() != 200) {
                        failures.incrementAndGet();
                      }
                    } catch (IOException e) {
                      failures.incrementAndGet();
                    }
                    micros.add((System.nanoTime() - t0) / 1000);
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    }
    long wall = (System.nanoTime() - start) / 1_000_000;
    List<Long> sorted = micros.stream().sorted().toList();
    return new Latencies(sorted.size(), failures.get(), wall, sorted, Map.of());
  }

  // ---------------------------------------------------------------- (c) slow clients

  /**
   * When the server closed each slow client, in seconds after it connected (-1: never, -2: the
   * connection was not accepted within 10 s).
   */
  record SlowClients(
      String where, List<Long> closedAfterSeconds, Map<String, Integer> how, long servingMillis) {
    @Override
    public String toString() {
      long[] closed =
          closedAfterSeconds.stream()
              .mapToLong(Long::longValue)
              .filter(s -> s >= 0)
              .sorted()
              .toArray();
      long notConnected = closedAfterSeconds.stream().filter(s -> s == -2).count();
      return String.format(
          "%d clients dribbling the %s: %d not connected, %d closed by the server%s %s; a normal"
              + " export during the attack took %s",
          closedAfterSeconds.size(),
          where,
          notConnected,
          closed.length,
          closed.length == 0
              ? ""
              : String.format(
                  " after %d-%d s (median %d s)",
                  closed[0], closed[closed.length - 1], closed[closed.length / 2]),
          how,
          servingMillis < 0 ? "FAILED" : servingMillis + " ms");
    }
  }

  /**
   * Opens {@code clients} connections that send a byte a second, in the headers or in the body.
   *
   * @param clients how many
   * @param inBody false to dribble a header, true to send the head and dribble the body
   * @param cap how long to keep trying
   * @return when each was closed
   */
  SlowClients slowClients(int clients, boolean inBody, Duration cap) throws Exception {
    long[] closedAfter = new long[clients];
    Map<String, Integer> how = new ConcurrentHashMap<>();
    long servingMillis;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < clients; i++) {
        int index = i;
        pool.submit(
            () -> {
              closedAfter[index] = slowClient(inBody, cap, how);
              return null;
            });
      }
      Thread.sleep(3000);
      long t0 = System.nanoTime();
      servingMillis = stillServes() ? (System.nanoTime() - t0) / 1_000_000 : -1;
    }
    return new SlowClients(
        inBody ? "body" : "headers",
        Arrays.stream(closedAfter).boxed().toList(),
        new TreeMap<>(how),
        servingMillis);
  }

  private long slowClient(boolean inBody, Duration cap, Map<String, Integer> how) {
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      try {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
      } catch (IOException e) {
        return -2;
      }
      start = System.nanoTime();
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      String head =
          inBody
              ? "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nContent-Type: "
                  + PROTOBUF
                  + "\r\nContent-Length: 100000\r\n\r\n"
              : "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Slow: ";
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      while (System.nanoTime() - start < cap.toNanos()) {
        out.write(inBody ? 0 : 'a');
        out.flush();
        try {
          if (in.read() < 0) {
            how.merge("end of stream", 1, Integer::sum);
            return (System.nanoTime() - start) / 1_000_000_000;
          }
          // a response arrived: read until the server closes
          if (RawHttp.closedByServer(in)) {
            how.merge("response then close", 1, Integer::sum);
            return (System.nanoTime() - start) / 1_000_000_000;
          }
        } catch (SocketTimeoutException e) {
          // a second passed with nothing from the server: send the next byte
        }
      }
      return -1;
    } catch (IOException e) {
      how.merge(
          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), 1, Integer::sum);
      return (System.nanoTime() - start) / 1_000_000_000;
    }
  }

  // ---------------------------------------------------------------- main

  /**
   * Runs the scenarios and prints the figures.
   *
   * @param args {@code --xmx 256m --scenarios idle,a,b,c --child-cp CP --child-main CLASS
   *     --requests 100 --spans 40000 --mib 10 --retry}
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = new TreeMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--retry")) {
        options.put("retry", "true");
      } else {
        options.put(args[i].substring(2), args[++i]);
      }
    }
    String cp = options.getOrDefault("child-cp", System.getProperty("java.class.path"));
    String main = options.getOrDefault("child-main", LoadChild.class.getName());
    String xmx = options.getOrDefault("xmx", "256m");
    List<String> scenarios = List.of(options.getOrDefault("scenarios", "a,b,c").split(","));
    System.out.printf(
        "java %s, %d cpus, load average %s, child -Xmx%s %s%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Files.readString(Path.of("/proc/loadavg")).trim(),
        xmx,
        main);
    if (scenarios.contains("idle")) {
      try (LoadDriver driver = start(cp, main, xmx)) {
        Thread.sleep(3000);
        System.out.printf(
            "(idle) after start: RSS %d MiB; %s%n", driver.rssKiB() >> 10, driver.command("stats"));
      }
    }
    if (scenarios.contains("a")) {
      int requests = Integer.parseInt(options.getOrDefault("requests", "100"));
      int spans = Integer.parseInt(options.getOrDefault("spans", "40000"));
      int mib = Integer.parseInt(options.getOrDefault("mib", "10"));
      byte[] body = traces(spans, mib << 20);
      try (LoadDriver driver = start(cp, main, xmx)) {
        LargeExports result =
            driver.largeExports(
                requests, body, Duration.ofMinutes(2), options.containsKey("retry"));
        System.out.printf(
            "(a) %d x %d-byte exports (%d spans): %s; child alive %s, peak RSS %d MiB, %s,"
                + " OutOfMemoryError lines %d%n",
            requests,
            body.length,
            spans,
            result,
            driver.alive(),
            driver.peakRssKiB() >> 10,
            driver.alive() ? driver.command("stats") : "-",
            driver.stderrLines("OutOfMemoryError"));
      }
    }
    if (scenarios.contains("b")) {
      try (LoadDriver driver = start(cp, main, xmx)) {
        driver.burst(200); // warm up
        System.out.printf("(b) burst of 1000 on fresh connections: %s%n", driver.burst(1000));
        System.out.printf(
            "(b) sustained, 32 keep-alive clients for 10 s: %s; child peak RSS %d MiB%n",
            driver.sustained(32, Duration.ofSeconds(10)), driver.peakRssKiB() >> 10);
      }
    }
    if (scenarios.contains("c")) {
      Duration cap = Duration.ofSeconds(Integer.parseInt(options.getOrDefault("cap", "60")));
      try (LoadDriver driver = start(cp, main, xmx)) {
        System.out.printf("(c) %s%n", driver.slowClients(200, false, cap));
      }
      try (LoadDriver driver = start(cp, main, xmx)) {
        System.out.printf("(c) %s%n", driver.slowClients(200, true, cap));
      }
    }
  }
}
