package dev.shuttle.channel;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;

/**
 * Go's {@code time.After}, {@code time.NewTimer} and {@code time.NewTicker}: channels that receive
 * the time, for use in {@link Select}.
 *
 * <p>All timers share one scheduler thread that exits when no timer is pending: there is no
 * sleeping thread per timer, and a fired or stopped timer leaves nothing behind. Timer channels do
 * not carry a context ({@link Message#context()} is the root context). Thread-safe.
 */
public final class Timers {
  private Timers() {}

  /**
   * Returns a channel that receives the time once, after {@code delay} (Go's {@code time.After}).
   * The scheduler entry lives until the delay has passed; to release it earlier, use {@link #timer}
   * and stop it.
   */
  public static Channel<Instant> after(Duration delay) {
    return timer(delay).channel();
  }

  /**
   * Returns a one-shot timer that sends the time on its channel after {@code delay}.
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public static Timer timer(Duration delay) {
    requireNotNegative(delay, "delay");
    Channel<Instant> channel =
        Channel.builder().capacity(1).name("timer").messageContext(false).build();
    ScheduledFuture<?> future =
        TimerScheduler.schedule(delay, () -> channel.trySend(Instant.now()));
    return new Timer(channel, future);
  }

  /**
   * Returns a ticker that sends the time on its channel every {@code period}, dropping ticks for a
   * slow receiver.
   *
   * @throws IllegalArgumentException if {@code period} is zero or negative
   */
  public static Ticker ticker(Duration period) {
    Objects.requireNonNull(period, "period");
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("period must be positive, but was " + period);
    }
    Channel<Instant> channel =
        Channel.builder().capacity(1).name("ticker").messageContext(false).build();
    ScheduledFuture<?> future =
        TimerScheduler.scheduleAtFixedRate(period, () -> channel.trySend(Instant.now()));
    return new Ticker(channel, future);
  }

  private static void requireNotNegative(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, but was " + duration);
    }
  }
}
