package dev.shuttle.channel;

import org.jspecify.annotations.Nullable;

/**
 * A receive found the channel closed and drained.
 *
 * @param error the error the channel was closed with, or {@code null} after a plain close
 * @param <T> the channel's element type
 */
public record Closed<T>(@Nullable Throwable error) implements Received<T> {
  /** Returns the exception that the throwing variants raise for this outcome. */
  public ChannelClosedException toException() {
    return new ChannelClosedException("receive from closed channel", error);
  }
}
