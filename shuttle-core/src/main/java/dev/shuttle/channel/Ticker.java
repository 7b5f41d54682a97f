package dev.shuttle.channel;

import dev.shuttle.internal.Checks;
import java.time.Duration;
import java.time.Instant;

/**
 * Delivers the time on its {@linkplain #channel() channel} at a fixed period until stopped (Go's
 * {@code time.Ticker}). Create one with {@link Timers#ticker}.
 *
 * {@snippet :
 * try (Ticker heartbeat = Timers.ticker(Duration.ofSeconds(1))) {
 *   while (running()) {
 *     Instant at = heartbeat.channel().receive();
 *     report(at);
 *   }
 * } // stops the ticker
 * }
 *
 * <p>As in Go the channel holds one tick: a slow receiver misses ticks rather than queueing them,
 * and the next tick stays on the period's grid (ticks missed during a stall are dropped, not
 * delivered in a burst). Always stop a ticker (try-with-resources does): it keeps one scheduler
 * entry while it runs; a stopped ticker holds no thread and no scheduler entry.
 *
 * <p>Go 1.23 semantics: {@link #stop()} and {@link #reset} are synchronous. Once either returns, no
 * receive from the channel yields a tick from before the call: a tick already sent but not yet
 * received is withdrawn, and a tick being delivered is dropped.
 *
 * <p>Memory consistency effects: actions in a thread before it creates the ticker or calls {@link
 * #reset} happen-before each tick that follows, hence before the receive of that tick.
 *
 * <p>Thread-safe. Implementation note: a ticker is a {@link Timer} that re-arms itself, under its
 * lock, each time it fires; see {@link Timer} for the locking and the generation check that keep
 * stale ticks out.
 */
public final class Ticker implements AutoCloseable {
  private final Timer timer;

  Ticker(Timer timer) {
    this.timer = timer;
  }

  /**
   * {@return the receive-only channel of the ticks; it is not closed by {@link #stop()} (as in Go)}
   * {@linkplain ReceiveChannel#cancel() Cancelling} it ends the deliveries for good.
   */
  public ReceiveChannel<Instant> channel() {
    return timer.channel();
  }

  /**
   * Stops the ticker (Go's {@code Ticker.Stop}). After this returns, no tick from before the call
   * can be received and none follows, until the ticker is {@linkplain #reset reset}. Stopping a
   * stopped ticker does nothing.
   */
  public void stop() {
    timer.stop();
  }

  /**
   * Stops the ticker and restarts it with a new period (Go's {@code Ticker.Reset}): the next tick
   * arrives {@code period} after this call, and no tick from before the call can be received after
   * it returns. A stopped ticker that is reset ticks again.
   *
   * @param period the new time between ticks, positive
   * @throws IllegalArgumentException if {@code period} is zero or negative
   */
  public void reset(Duration period) {
    long nanos = TimerScheduler.nanos(Checks.positive(period, "period"));
    timer.arm(nanos, nanos);
  }

  /** Stops the ticker; for try-with-resources. */
  @Override
  public void close() {
    stop();
  }
}
