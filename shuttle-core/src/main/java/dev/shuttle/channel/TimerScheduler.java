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
 * stopped; stopped timers leave the queue at once ({@code removeOnCancelPolicy}). Timer actions
 * only {@link Channel#trySend}, which never blocks, so one thread serves any number of timers.
 */
final class TimerScheduler {
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

  static ScheduledFuture<?> schedule(Duration delay, Runnable action) {
    return EXECUTOR.schedule(action, nanos(delay), TimeUnit.NANOSECONDS);
  }

  static ScheduledFuture<?> scheduleAtFixedRate(Duration period, Runnable action) {
    long nanos = nanos(period);
    return EXECUTOR.scheduleAtFixedRate(action, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Number of scheduled actions; for tests that check stopped timers are released. */
  static int pending() {
    return EXECUTOR.getQueue().size();
  }

  private static long nanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE / 2; // ~146 years: never
    }
  }
}
