package dev.shuttle.receiver.viewer;

import static dev.shuttle.receiver.viewer.Otlp.export;
import static dev.shuttle.receiver.viewer.Otlp.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.shuttle.receiver.RawHttp;
import dev.shuttle.receiver.ServerOptions;
import dev.shuttle.receiver.TelemetryStore;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /api/events} over HTTP: announcements after spans and metrics arrive, coalesced to at
 * most four a second, heartbeats, the cap on open streams, and their clean end when the viewer
 * stops.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ViewerEventsTest {
  private final TelemetryStore store = TelemetryStore.create();
  private final List<Socket> sockets = new ArrayList<>();
  private ViewerServer viewer;

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    if (viewer != null) {
      viewer.close();
    }
  }

  /** A viewer whose streams write a heartbeat every half second (half the idle timeout). */
  private ViewerServer start() throws IOException {
    viewer =
        ViewerServer.start(
            store,
            ViewerConfig.builder()
                .port(0)
                .serverOptions(ServerOptions.defaults().withIdleTimeout(Duration.ofSeconds(1)))
                .build());
    return viewer;
  }

  /** An open event stream: its head was read, and the opening comment. */
  private record Stream(Socket socket, Map<String, String> headers, RawHttp.Chunked body) {
    /** Reads the next block (up to a blank line), or null once the body ended. */
    String next() throws IOException {
      ByteArrayOutputStream block = new ByteArrayOutputStream();
      int previous = -1;
      for (int b = body.read(); b >= 0; b = body.read()) {
        if (b == '\n' && previous == '\n') {
          String text = block.toString(StandardCharsets.UTF_8);
          return text.substring(0, text.length() - 1);
        }
        block.write(b);
        previous = b;
      }
      return block.size() == 0 ? null : block.toString(StandardCharsets.UTF_8);
    }
  }

  private Stream open() throws IOException {
    Socket socket = RawHttp.open(viewer.port());
    sockets.add(socket);
    socket
        .getOutputStream()
        .write(
            RawHttp.head(
                "GET",
                "/api/events",
                "Host",
                "127.0.0.1:" + viewer.port(),
                "Accept",
                "text/event-stream"));
    Map<String, String> headers = new HashMap<>();
    InputStream in = socket.getInputStream();
    int status = RawHttp.readHead(in, headers);
    assertThat(status).isEqualTo(200);
    Stream stream = new Stream(socket, headers, new RawHttp.Chunked(in));
    assertThat(stream.next()).isEqualTo(": shuttle viewer events\nretry: 2000");
    return stream;
  }

  /** The next block that is not a comment (a heartbeat or a probe). */
  private static String nextEvent(Stream stream) throws IOException {
    String block = stream.next();
    while (block != null && block.startsWith(":")) {
      block = stream.next();
    }
    return block;
  }

  private static Set<String> traceIds(String event) {
    assertThat(event).startsWith("event: traces\ndata: ");
    Set<String> ids = new LinkedHashSet<>();
    for (JsonElement id :
        JsonParser.parseString(event.substring("event: traces\ndata: ".length()))
            .getAsJsonObject()
            .getAsJsonArray("traceIds")) {
      ids.add(id.getAsString());
    }
    return ids;
  }

  private static String trace(int i) {
    return "%032x".formatted(i + 1);
  }

  @Test
  void spansThatArriveAreAnnouncedWithTheirTraceIds() throws Exception {
    // given
    start();
    Stream stream = open();

    // then: the stream's head
    assertThat(stream.headers().get("content-type")).isEqualTo("text/event-stream; charset=utf-8");
    assertThat(stream.headers().get("cache-control")).isEqualTo("no-store");
    assertThat(stream.headers().get("x-content-type-options")).isEqualTo("nosniff");
    assertThat(stream.headers().get("content-security-policy")).isEqualTo(ViewerHandler.CSP);

    // when
    store.addTraces(export("shop", span(trace(0), "a", "", 0, 1)));

    // then
    assertThat(traceIds(nextEvent(stream))).containsExactly(trace(0));
  }

  @Test
  void announcementsAreCoalescedToAtMostFourASecond() throws Exception {
    // given
    start();
    Stream stream = open();

    // when: 40 exports over about a second
    Thread sender =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 0; i < 40; i++) {
                    store.addTraces(export("shop", span(trace(i), "a", "", 0, 1)));
                    try {
                      Thread.sleep(25);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });

    // then: every trace is announced, in few events at least 250 ms apart
    Set<String> seen = new LinkedHashSet<>();
    List<Long> times = new ArrayList<>();
    long started = System.nanoTime();
    while (seen.size() < 40) {
      seen.addAll(traceIds(nextEvent(stream)));
      times.add(System.nanoTime());
    }
    sender.join();
    assertThat(seen).hasSize(40);
    long quarters = Duration.ofNanos(times.getLast() - started).toMillis() / 250;
    assertThat(times).hasSizeLessThanOrEqualTo((int) quarters + 2).hasSizeLessThan(40);
    for (int i = 1; i < times.size(); i++) {
      assertThat(Duration.ofNanos(times.get(i) - times.get(i - 1)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(200)); // 250 ms, less the reading's jitter
    }
  }

  @Test
  void roundsOfTheLiveViewThatCloseAreAnnounced() throws Exception {
    // given
    start();
    Stream stream = open();

    // when: records of a round, then the record that closes it
    store.addLogs(
        dev.shuttle.receiver.LiveExports.export(
            dev.shuttle.receiver.LiveExports.resource("shop", "1"),
            dev.shuttle.receiver.LiveExports.goroutine(1, 1).build()));
    store.addLogs(
        dev.shuttle.receiver.LiveExports.export(
            dev.shuttle.receiver.LiveExports.resource("shop", "1"),
            dev.shuttle.receiver.LiveExports.snapshot(1, 1, 0, 1000)));

    // then: one announcement
    assertThat(nextEvent(stream)).isEqualTo("event: running\ndata: {}");
  }

  @Test
  void metricsThatArriveAreAnnounced() throws Exception {
    // given
    start();
    Stream stream = open();

    // when
    store.addMetrics(
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(Otlp.resource("shop"))
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("queue.depth")
                                    .setGauge(
                                        Gauge.newBuilder()
                                            .addDataPoints(
                                                NumberDataPoint.newBuilder()
                                                    .setTimeUnixNano(Otlp.ms(1))
                                                    .setAsInt(3))))))
            .build());

    // then
    assertThat(nextEvent(stream)).isEqualTo("event: metrics\ndata: {}");
  }

  @Test
  void aQuietStreamWritesAHeartbeat() throws Exception {
    // given
    start();
    Stream stream = open();

    // when
    long started = System.nanoTime();
    String block = stream.next();

    // then: within half the idle timeout, so that the idle timeout never cuts the stream
    assertThat(block).isEqualTo(": keep-alive");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1500));
    Thread.sleep(1500); // past the idle timeout
    assertThat(stream.next()).isEqualTo(": keep-alive");
  }

  @Test
  void theStreamsAreCappedAndTheViewerStillAnswersWhenTheyAreAllTaken() throws Exception {
    // given: a page (or many tabs) opening every stream it may
    start();
    List<Stream> streams = new ArrayList<>();
    for (int i = 0; i < ViewerServer.MAX_EVENT_STREAMS; i++) {
      streams.add(open());
    }

    // when
    RawHttp.Response refused = RawHttp.get(viewer.port(), "/api/events");

    // then: the next stream is refused, and the page polls instead
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Retry-After")).isNotNull();
    assertThat(Viewers.json(refused).get("error").getAsString()).contains("poll");
    Viewers.assertSecured(refused);
    assertThat(RawHttp.get(viewer.port(), "/api/traces").status()).isEqualTo(200);
    assertThat(RawHttp.get(viewer.port(), "/").status()).isEqualTo(200);

    // and when a tab goes away, its slot is free again within a few heartbeats
    streams.getFirst().socket().close();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int status = 503;
    while (status == 503 && System.nanoTime() - deadline < 0) {
      Thread.sleep(100);
      status =
          RawHttp.request(viewer.port(), "HEAD", "/api/events", "127.0.0.1:" + viewer.port())
              .status();
    }
    assertThat(status).isEqualTo(200);
  }

  @Test
  void streamsOfClosedTabsAreFoundOutWhenTheSlotsRunOut() throws Exception {
    // given: a viewer with the default 15 s heartbeat, and a tab reloaded so often that every
    // slot is held by a stream whose browser already closed it
    viewer = Viewers.start(store);
    for (int i = 0; i < ViewerServer.MAX_EVENT_STREAMS; i++) {
      open().socket().close();
    }

    // when: the next tab asks, is refused, and retries as told
    RawHttp.Response refused = RawHttp.get(viewer.port(), "/api/events");
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    int status = refused.status();
    while (status == 503 && System.nanoTime() - deadline < 0) {
      Thread.sleep(Long.parseLong(refused.header("Retry-After")) * 500);
      status =
          RawHttp.request(viewer.port(), "HEAD", "/api/events", "127.0.0.1:" + viewer.port())
              .status();
    }

    // then: the closed streams were probed and their slots freed, long before a heartbeat
    assertThat(status).isEqualTo(200);
  }

  @Test
  void stoppingEndsEveryStreamCleanlyAndReleasesThePort() throws Exception {
    // given
    start();
    int port = viewer.port();
    Stream first = open();
    Stream second = open();

    // when
    long started = System.nanoTime();
    viewer.stop(Duration.ofSeconds(5));

    // then: each stream reads the terminating chunk (the page falls back to polling)
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    for (Stream stream : List.of(first, second)) {
      while (stream.next() != null) {
        // a heartbeat written before the end
      }
      assertThat(stream.body().ended()).isTrue();
    }
    assertThat(viewer.isRunning()).isFalse();
    Assertions.assertThatThrownBy(() -> RawHttp.get(port, "/"))
        .isInstanceOf(ConnectException.class);
  }
}
