package dev.shuttle.nats;

import dev.shuttle.channel.SpanRelation;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** One nats-server and connection for a test class, and pools with unique names on it. */
final class PoolFixture implements AutoCloseable {
  /**
   * The jobs and results of the tests' pools: UTF-8 text (a test record would need the test module
   * opened to Gson), which refuses bytes that are not UTF-8.
   */
  static final Codec<String> TEXT = Codec.utf8();

  private static final AtomicInteger NAMES = new AtomicInteger();

  final NatsServer server;
  final Connection connection;

  private PoolFixture(NatsServer server, Connection connection) {
    this.server = server;
    this.connection = connection;
  }

  static PoolFixture start() throws Exception {
    NatsServer server = NatsServer.start();
    try {
      return new PoolFixture(server, Nats.connect(server.url()));
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** Returns a builder of a pool with a fresh name and a short backoff. */
  NatsWorkerPoolBuilder<String, String> builder() {
    return NatsWorkerPool.builder(connection, "pool-" + NAMES.incrementAndGet(), TEXT, TEXT)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(40));
  }

  NatsWorkerPool<String, String> pool(SpanRelation relation) throws IOException {
    return builder().spanRelation(relation).build();
  }

  /** Returns how many messages the stream holds now. */
  long stored(String stream) throws IOException, JetStreamApiException {
    return connection.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
  }

  @Override
  public void close() throws Exception {
    try {
      connection.close();
    } finally {
      server.close();
    }
  }
}
