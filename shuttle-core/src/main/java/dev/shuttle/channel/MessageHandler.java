package dev.shuttle.channel;

/**
 * Handles one received message; may block (for example by sending the result on), so it may throw
 * {@link InterruptedException}.
 *
 * @param <T> the value's type
 */
@FunctionalInterface
public interface MessageHandler<T> {
  /**
   * Handles {@code message}.
   *
   * @param message the received message: the value and the context it was sent in
   * @throws InterruptedException if the handler blocks and its thread is interrupted
   */
  void handle(Message<T> message) throws InterruptedException;
}
