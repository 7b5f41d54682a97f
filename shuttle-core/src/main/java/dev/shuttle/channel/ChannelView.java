package dev.shuttle.channel;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the two views of a {@link Channel} share: the channel they hide, and the queries both sides
 * may ask. Stateless; thread-safe as the channel is.
 */
abstract sealed class ChannelView<T> permits ReceiveOnly, SendOnly {
  final Channel<T> channel;

  ChannelView(Channel<T> channel) {
    this.channel = Objects.requireNonNull(channel, "channel");
  }

  public boolean isClosed() {
    return channel.isClosed();
  }

  public int len() {
    return channel.len();
  }

  public int cap() {
    return channel.cap();
  }

  public int waitingSenders() {
    return channel.waitingSenders();
  }

  public int waitingReceivers() {
    return channel.waitingReceivers();
  }

  public @Nullable String name() {
    return channel.name();
  }
}
