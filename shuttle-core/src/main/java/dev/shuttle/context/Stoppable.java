package dev.shuttle.context;

/**
 * Stops a callback registered on a context before it runs: what {@link Contexts#afterFunc} and
 * {@link Cancellation#onDone} return, Go's {@code stop func() bool}.
 *
 * <p>Safe to call from any thread, any number of times.
 */
@FunctionalInterface
public interface Stoppable {
  /**
   * Prevents the callback from running.
   *
   * @return {@code true} if this call prevented the run; {@code false} if the callback already ran
   *     or started, or was already stopped
   */
  boolean stop();
}
