package dev.shuttle.channel;

import org.jspecify.annotations.Nullable;

/**
 * The channel is closed: a receive found it closed and drained, or a send found it closed. The one
 * word for "closed" on both sides of a channel ({@link Received} and {@link SendResult}).
 *
 * @param error the error the channel was closed with, or {@code null} after a plain close
 * @param <T> the channel's element type
 */
public record Closed<T>(@Nullable Throwable error) implements Received<T>, SendResult {
  /** {@return the exception that the throwing receive variants raise for this outcome} */
  public ChannelClosedException toException() {
    return new ChannelClosedException("receive from closed channel", error);
  }

  /** {@return the exception that the throwing send variants raise for this outcome} */
  public ChannelClosedException toSendException() {
    return new ChannelClosedException("send on closed channel", error);
  }
}
