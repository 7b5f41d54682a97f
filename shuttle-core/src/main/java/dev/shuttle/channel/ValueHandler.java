package dev.shuttle.channel;

/**
 * Handles a received value inside {@link Message#process}; may throw a checked exception of type
 * {@code E} (for example {@link InterruptedException} when it sends the result on), which {@code
 * process} then declares. A handler that throws nothing leaves {@code process} throwing nothing
 * checked.
 *
 * @param <T> the value's type
 * @param <E> the checked exception the handler may throw
 */
@FunctionalInterface
public interface ValueHandler<T, E extends Exception> {
  /**
   * Handles {@code value}.
   *
   * @param value the received value
   * @throws E if the handler fails; {@code process} records it on the consumer span and rethrows it
   */
  void handle(T value) throws E;
}
