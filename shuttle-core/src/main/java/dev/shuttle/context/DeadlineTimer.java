package dev.shuttle.context;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread behind every context deadline.
 *
 * <p>Implementation note: a {@link ScheduledThreadPoolExecutor} with one daemon thread that exits
 * after a second without timers, so an application with no pending deadline has no Shuttle thread.
 * Cancelled timers are removed from the queue at once ({@code removeOnCancelPolicy}), so a context
 * cancelled long before its deadline holds no memory. Timer actions only cancel a context, which
 * never blocks.
 */
final class DeadlineTimer {
  private static final ScheduledThreadPoolExecutor EXECUTOR = createExecutor();

  private DeadlineTimer() {}

  private static ScheduledThreadPoolExecutor createExecutor() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("shuttle-deadline-timer").daemon().factory());
    executor.setRemoveOnCancelPolicy(true);
    executor.setKeepAliveTime(1, TimeUnit.SECONDS);
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  static ScheduledFuture<?> schedule(Duration delay, Runnable action) {
    return EXECUTOR.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
  }
}
