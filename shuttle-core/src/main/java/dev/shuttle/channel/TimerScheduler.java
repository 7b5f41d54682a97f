package dev.shuttle.channel;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one scheduler thread behind every {@link Timers} timer and ticker.
 *
 * <p>Implementation note: a {@link ScheduledThreadPoolExecutor} with one daemon platform thread
 * that exits after a second without timers, so no thread is left once every timer has fired or been
 * stopped; stopped timers leave the queue at once ({@code removeOnCancelPolicy}). Only one-shot
 * actions are scheduled: a ticker re-arms itself from its own firing, so it has at most one entry.
 * Timer actions only take their timer's lock, {@link Channel#trySend} (which never blocks) and
 * start goroutines, so one thread serves any number of timers; since it is one thread, actions
 * never run concurrently with each other.
 */
final class TimerScheduler {
  /** Durations longer than this (~146 years) are treated as "never" and clamped to it. */
  static final long NEVER_NANOS = Long.MAX_VALUE / 2;

  private static final ScheduledThreadPoolExecutor EXECUTOR = createExecutor();

  private TimerScheduler() {}

  private static ScheduledThreadPoolExecutor createExecutor() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("shuttle-channel-timer").daemon().factory());
    executor.setRemoveOnCancelPolicy(true);
    executor.setKeepAliveTime(1, TimeUnit.SECONDS);
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  static ScheduledFuture<?> schedule(long delayNanos, Runnable action) {
    return EXECUTOR.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
  }

  /** Number of scheduled actions; for tests that check stopped timers are released. */
  static int pending() {
    return EXECUTOR.getQueue().size();
  }

  /** Returns {@code duration} in nanoseconds, clamped to {@link #NEVER_NANOS}. */
  static long nanos(Duration duration) {
    try {
      return Math.min(duration.toNanos(), NEVER_NANOS);
    } catch (ArithmeticException tooLong) {
      return NEVER_NANOS;
    }
  }

  /**
   * Returns the delay from now to a ticker's next tick, as Go computes it: the next point on the
   * period's grid after now, so ticks missed while the scheduler was late are dropped.
   *
   * @param lateNanos how long after its due time the current tick fires (negative if early)
   * @param periodNanos the ticker's period, positive and at most {@link #NEVER_NANOS}
   */
  static long nextTickDelay(long lateNanos, long periodNanos) {
    if (lateNanos < 0) {
      return Math.min(periodNanos - lateNanos, NEVER_NANOS); // never earlier than due + period
    }
    return periodNanos - lateNanos % periodNanos;
  }
}
