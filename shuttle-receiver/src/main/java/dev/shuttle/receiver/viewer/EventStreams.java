package dev.shuttle.receiver.viewer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * Writes the server-sent events of {@code GET /api/events}: what the {@link EventHub} tells one
 * subscriber, at most once per {@link #EVENT_INTERVAL}, a comment when nothing happened for a
 * heartbeat, and the terminating chunk when the viewer stops.
 *
 * <p>Thread-safety: stateless apart from the thread-safe hub; each stream runs on its request's own
 * thread and writes only to its own response, blocking until written, so a slow client slows only
 * its own stream.
 */
final class EventStreams {
  /** How long an event stream waits between two announcements: at most four a second. */
  static final Duration EVENT_INTERVAL = Duration.ofMillis(250);

  /** The time between the two writes that probe an event stream's connection. */
  static final Duration PROBE_GAP = Duration.ofMillis(50);

  /** How long an event stream stays silent before it writes a comment. */
  static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private final EventHub hub;
  private final long heartbeatNanos;

  EventStreams(EventHub hub, Duration idleTimeout) {
    this.hub = hub;
    // write often enough that the idle timeout never cuts a stream
    this.heartbeatNanos = Math.min(HEARTBEAT.toNanos(), idleTimeout.toNanos() / 2);
  }

  /**
   * Answers {@code GET /api/events} on the request's own (virtual) thread until the hub ends the
   * stream or the client goes away.
   *
   * @throws ApiException 503 if every stream slot is taken
   */
  void stream(Request request, Response response, Callback callback)
      throws ApiException, IOException {
    EventHub.Subscriber subscriber = hub.subscribe();
    if (subscriber == null) {
      throw new ApiException(503, "too many event streams are open; poll instead");
    }
    try {
      request.addFailureListener(failure -> subscriber.close()); // the connection failed
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
      if (request.getMethod().equals("HEAD")) {
        response.write(true, null, callback);
        return;
      }
      write(response, false, ": shuttle viewer events\nretry: 2000\n\n");
      long now = System.nanoTime();
      long notBefore = now;
      long heartbeatAt = now + heartbeatNanos;
      while (true) {
        EventHub.Next next = subscriber.next(notBefore, heartbeatAt);
        if (next.closed()) {
          break;
        }
        if (next.probe()) {
          // the first write to a closed connection may succeed, the second fails: write one now
          // and bring the heartbeat, the second, forward to PROBE_GAP from now (a wait on the
          // subscriber's condition, which its close or an announcement ends sooner)
          write(response, false, ": probe\n");
          heartbeatAt = System.nanoTime() + PROBE_GAP.toNanos();
          continue;
        }
        StringBuilder text = new StringBuilder();
        if (next.heartbeat()) {
          text.append(": keep-alive\n\n");
        }
        if (!next.traceIds().isEmpty()) {
          JsonObject data = new JsonObject();
          JsonArray ids = new JsonArray();
          next.traceIds().forEach(ids::add);
          data.add("traceIds", ids);
          text.append("event: traces\ndata: ").append(Json.text(data)).append("\n\n");
        }
        if (next.metrics()) {
          text.append("event: metrics\ndata: {}\n\n");
        }
        if (next.running()) {
          text.append("event: running\ndata: {}\n\n");
        }
        write(response, false, text.toString());
        now = System.nanoTime();
        heartbeatAt = now + heartbeatNanos;
        if (!next.heartbeat()) {
          notBefore = now + EVENT_INTERVAL.toNanos();
        }
      }
      write(response, true, ""); // the server stops: end the stream cleanly
      callback.succeeded();
    } catch (IOException e) { // the client went away
      callback.failed(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callback.failed(e);
    } finally {
      hub.unsubscribe(subscriber);
    }
  }

  /** Writes and waits until written, so that a slow client slows only its own stream. */
  private static void write(Response response, boolean last, String text) throws IOException {
    try (Blocker.Callback written = Blocker.callback()) {
      response.write(last, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), written);
      written.block();
    }
  }
}
