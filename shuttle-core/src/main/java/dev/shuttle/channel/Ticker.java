package dev.shuttle.channel;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

/**
 * Delivers the time on its {@linkplain #channel() channel} at a fixed period until stopped (Go's
 * {@code time.NewTicker}). Create one with {@link Timers#ticker}.
 *
 * <p>As in Go the channel buffers one tick: a slow receiver misses ticks rather than queueing them.
 * Always stop a ticker (try-with-resources does); a stopped ticker holds no thread and no scheduler
 * entry. Thread-safe.
 */
public final class Ticker implements AutoCloseable {
  private final Channel<Instant> channel;
  private final ScheduledFuture<?> future;

  Ticker(Channel<Instant> channel, ScheduledFuture<?> future) {
    this.channel = channel;
    this.future = future;
  }

  /**
   * Returns the channel that receives the ticks; it is not closed by {@link #stop()} (as in Go).
   */
  public Channel<Instant> channel() {
    return channel;
  }

  /** Stops the ticker; no tick is delivered after this returns, except one already buffered. */
  public void stop() {
    future.cancel(false);
  }

  /** Stops the ticker; for try-with-resources. */
  @Override
  public void close() {
    stop();
  }
}
