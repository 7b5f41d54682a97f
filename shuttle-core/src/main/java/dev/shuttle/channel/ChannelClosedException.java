package dev.shuttle.channel;

import java.io.Serial;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by a send on a closed channel, a receive from a closed and drained channel, and a second
 * {@code close} — the cases where Go panics.
 *
 * <p>When the channel was closed with an error ({@link Channel#close(Throwable)}), that error is
 * the {@linkplain #getCause() cause}. Each throwing call has a twin that returns a value instead,
 * such as {@link Channel#receiveOrClosed()} and {@link Channel#sendOrClosed}.
 */
public final class ChannelClosedException extends IllegalStateException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with Go's panic message and the channel's close error, if any.
   *
   * @param message Go's panic message, such as {@code "send on closed channel"}
   * @param error the error the channel was closed with, which becomes the cause, or {@code null}
   *     after a plain close
   */
  public ChannelClosedException(String message, @Nullable Throwable error) {
    super(error == null ? message : message + ": " + error, error);
  }

  /** {@return the error the channel was closed with, or {@code null} after a plain close} */
  public @Nullable Throwable error() {
    return getCause();
  }
}
