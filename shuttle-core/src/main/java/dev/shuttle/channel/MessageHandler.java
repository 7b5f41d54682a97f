package dev.shuttle.channel;

/**
 * Handles one received message; may block (for example by sending the result on), so it may throw
 * {@link InterruptedException}.
 *
 * @param <T> the value's type
 */
@FunctionalInterface
public interface MessageHandler<T> {
  /** Handles {@code message}. */
  void handle(Message<T> message) throws InterruptedException;
}
