package dev.shuttle.receiver.internal;

import java.time.Duration;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.jspecify.annotations.Nullable;

/**
 * Closes connections whose request line and headers take longer than the header timeout
 * (slowloris). Jetty's idle timeout is reset by every byte, so a client sending one header byte a
 * second would otherwise hold its connection forever.
 *
 * <p>Every {@code period} it looks at each connection's HTTP/1.1 parser: a parser that has left
 * {@code START} but not reached {@code CONTENT} is reading a request head. A connection seen in
 * that state for the same request ({@code getMessagesIn()} unchanged) for the header timeout is
 * closed; so a head is cut off between the timeout and the timeout plus two periods after its first
 * byte. Connections waiting for their next request ({@code START}) are left to the idle timeout.
 *
 * <p>Implementation note: {@code seen} is only touched by {@link #run}, which the connector's
 * scheduler runs once at a time (each run schedules the next), so it needs no lock; {@code running}
 * is volatile so that {@link #stop} ends the chain. It reads Jetty's {@code HttpParser} state, a
 * volatile field, from the scheduler thread.
 *
 * <p>Shared by the receiver and the web viewer (internal).
 *
 * <p>Thread-safety: {@link #start} and {@link #stop} may be called from any thread.
 */
public final class SlowHeaderReaper implements Runnable {
  /** The parser states between a request's first byte and the end of its headers. */
  private static final Set<HttpParser.State> READING_HEAD =
      Set.copyOf(EnumSet.range(HttpParser.State.METHOD, HttpParser.State.HEADER));

  private final AbstractConnector connector;
  private final long timeoutNanos;
  private final long periodMillis;
  private final IdentityHashMap<Connection, Seen> seen = new IdentityHashMap<>();
  private volatile boolean running;

  private record Seen(long messagesIn, long sinceNanos) {}

  /**
   * Creates a reaper for the connections of {@code connector}.
   *
   * @param connector the connector whose connections to watch
   * @param timeout the header timeout
   */
  public SlowHeaderReaper(AbstractConnector connector, Duration timeout) {
    String missing =
        missingExport(AbstractConnector.class.getModule(), SlowHeaderReaper.class.getModule());
    if (missing != null) {
      throw new IllegalStateException(missing);
    }
    this.connector = Objects.requireNonNull(connector, "connector");
    this.timeoutNanos = Objects.requireNonNull(timeout, "timeout").toNanos();
    this.periodMillis = Math.clamp(timeout.toMillis() / 10, 20, 1000);
  }

  /**
   * Says what to add to the {@code java} command when Jetty runs as a named module that does not
   * export its {@code HttpConnection} to the reader (on the module path, where the reaper could not
   * read a parser and would guard nothing), or returns null when the reader can read it.
   *
   * @param jetty Jetty's server module
   * @param reader the module that reads {@code HttpConnection}
   * @return the error message, or null
   */
  static @Nullable String missingExport(Module jetty, Module reader) {
    String internal = "org.eclipse.jetty.server.internal";
    if (!jetty.isNamed() || jetty.isExported(internal, reader)) {
      return null;
    }
    String target = reader.isNamed() ? reader.getName() : "ALL-UNNAMED";
    return "Jetty's "
        + internal
        + " is not exported to "
        + target
        + ": the receiver's guard against slow request heads reads Jetty's HttpConnection from it."
        + " On the module path, add --add-exports "
        + jetty.getName()
        + "/"
        + internal
        + "="
        + target
        + " to the java command";
  }

  /** Starts sweeping, every tenth of the timeout (at least 20 ms, at most 1 s). */
  public void start() {
    running = true;
    connector.getScheduler().schedule(this, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** Stops sweeping; connections are left as they are. */
  public void stop() {
    running = false;
  }

  @Override
  public void run() {
    if (!running) {
      return;
    }
    try {
      sweep(System.nanoTime());
    } finally {
      if (running) {
        connector.getScheduler().schedule(this, periodMillis, TimeUnit.MILLISECONDS);
      }
    }
  }

  private void sweep(long now) {
    IdentityHashMap<Connection, Seen> inHeaders = new IdentityHashMap<>();
    for (EndPoint endPoint : connector.getConnectedEndPoints()) {
      if (!(endPoint.getConnection() instanceof HttpConnection connection)) {
        continue;
      }
      if (!READING_HEAD.contains(connection.getParser().getState())) {
        continue;
      }
      long messagesIn = connection.getMessagesIn();
      Seen before = seen.get(connection);
      if (before == null || before.messagesIn() != messagesIn) {
        inHeaders.put(connection, new Seen(messagesIn, now));
      } else if (now - before.sinceNanos() >= timeoutNanos) {
        endPoint.close();
      } else {
        inHeaders.put(connection, before);
      }
    }
    seen.clear();
    seen.putAll(inHeaders);
  }
}
