package dev.shuttle.channel;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

/**
 * A one-shot timer whose {@linkplain #channel() channel} receives the time once it fires (Go's
 * {@code time.NewTimer}). Create one with {@link Timers#timer}.
 *
 * {@snippet :
 * try (Timer timeout = Timers.timer(Duration.ofSeconds(1))) {
 *   String r = Select.select(replies.onReceive(x -> x), timeout.channel().onReceive(t -> "timeout"));
 * } // stops the timer if it has not fired
 * }
 *
 * <p>Thread-safe. A fired or stopped timer holds no thread and no scheduler entry.
 */
public final class Timer implements AutoCloseable {
  private final Channel<Instant> channel;
  private final ScheduledFuture<?> future;

  Timer(Channel<Instant> channel, ScheduledFuture<?> future) {
    this.channel = channel;
    this.future = future;
  }

  /** Returns the channel that receives the firing time; it is never closed (as in Go). */
  public Channel<Instant> channel() {
    return channel;
  }

  /**
   * Stops the timer (Go's {@code Timer.Stop}).
   *
   * @return {@code true} if this call stopped it, {@code false} if it had fired or was stopped
   */
  public boolean stop() {
    return future.cancel(false);
  }

  /** Stops the timer; for try-with-resources. */
  @Override
  public void close() {
    stop();
  }
}
