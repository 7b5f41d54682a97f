package dev.shuttle.bench;

import dev.shuttle.channel.ChannelClosedException;
import dev.shuttle.nats.Codec;
import dev.shuttle.nats.NatsChannel;
import io.nats.client.Connection;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A {@link NatsQueue} that is a Shuttle {@link NatsChannel} of strings ({@link Codec#utf8()}).
 *
 * <p>Implementation note: the drain thread only counts; the channel is thread-safe, and {@link
 * #close()} detaches it, which ends the drain thread's receive with {@link ChannelClosedException}.
 */
final class ShuttleNatsQueue implements NatsQueue {
  private final Connection connection;
  private final String name;
  private final NatsChannel<String> channel;
  private final AtomicLong drained = new AtomicLong();
  private @Nullable Thread drainer;

  ShuttleNatsQueue(Connection connection, String name, int capacity) {
    this.connection = connection;
    this.name = name;
    this.channel = NatsChannel.builder(connection, name, Codec.utf8()).capacity(capacity).build();
  }

  @Override
  public void send(Context context, String value) throws InterruptedException {
    channel.send(context, value);
  }

  @Override
  public String receive(Context context) throws InterruptedException {
    return channel.receive(context);
  }

  @Override
  public void startDraining() {
    drainer =
        Thread.ofVirtual()
            .name("bench-shuttle-drain")
            .start(
                () -> {
                  try {
                    while (true) {
                      channel.receive(Context.root());
                      drained.incrementAndGet();
                    }
                  } catch (ChannelClosedException | InterruptedException done) {
                    // detached by close()
                  }
                });
  }

  @Override
  public long drained() {
    return drained.get();
  }

  @Override
  public void close() throws Exception {
    try {
      channel.detach();
      Thread running = drainer;
      if (running != null) {
        running.join();
      }
      NatsChannel.delete(connection, name);
    } finally {
      connection.close();
    }
  }
}
