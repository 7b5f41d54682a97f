package dev.shuttle.internal;

import dev.shuttle.inspect.GoroutinesMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.jspecify.annotations.Nullable;

/**
 * The registry's watchers: the stall detector and the live export, run on one daemon thread; and
 * what starts when the registry does (the MBean, and the watchers the system properties ask for).
 *
 * <p>Implementation note: the scheduler is created on first use (class initialisation is the lock);
 * each watcher's state is confined to its thread. {@link #onRegistryStart} runs once, on the
 * registry clock's thread, so the first goroutine does not wait for the platform MBean server.
 */
public final class GoroutineWatch {
  private static final System.Logger LOG = System.getLogger(GoroutineWatch.class.getName());

  private GoroutineWatch() {}

  /** A running watcher. */
  @FunctionalInterface
  public interface Watcher {
    /** Stops the watcher; {@code false} if it was already stopped. */
    boolean stop();
  }

  /** Starts a {@link StallDetector} checking every {@code threshold / 2} (at least 10 ms). */
  public static Watcher detectStalls(Duration threshold) {
    Checks.positive(threshold, "threshold");
    long period = Math.max(threshold.toNanos() / 2, CoarseClock.TICK_NANOS);
    return schedule(new StallDetector(threshold), period);
  }

  /** Starts a {@link LiveExport} every {@code interval}. */
  public static Watcher exportLive(Duration interval) {
    Checks.positive(interval, "interval");
    return schedule(new LiveExport(interval), interval.toNanos());
  }

  private static Watcher schedule(Runnable watcher, long periodNanos) {
    ScheduledFuture<?> future =
        Scheduler.INSTANCE.scheduleWithFixedDelay(
            watcher, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  /** Registers the MBean and starts the watchers that system properties ask for. */
  static void onRegistryStart() {
    registerMBean();
    Duration threshold = property("shuttle.goroutines.stallThreshold");
    if (threshold != null) {
      detectStalls(threshold);
    }
    Duration interval = property("shuttle.goroutines.liveExport");
    if (interval != null) {
      exportLive(interval);
    }
  }

  private static void registerMBean() {
    try {
      ManagementFactory.getPlatformMBeanServer()
          .registerMBean(
              new StandardMBean(new GoroutinesMBean(), GoroutinesMXBean.class, true),
              new ObjectName(GoroutinesMXBean.OBJECT_NAME));
    } catch (JMException | RuntimeException e) { // e.g. registered by another class loader
      LOG.log(System.Logger.Level.DEBUG, "goroutine MBean not registered", e);
    }
  }

  /**
   * Reads a positive duration property: {@code 500ms}, {@code 2s}, {@code 1m}, or ISO-8601 ({@code
   * PT2S}); a bad value is logged and ignored, since it must not stop the application.
   */
  static @Nullable Duration property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    Duration parsed = parseDuration(value.trim());
    if (parsed == null || parsed.isNegative() || parsed.isZero()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "ignoring -D{0}={1}: expected a positive duration such as 500ms, 2s, 1m or PT2S",
          name,
          value);
      return null;
    }
    return parsed;
  }

  static @Nullable Duration parseDuration(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("pt") || v.startsWith("p")) {
        return Duration.parse(value);
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      return null;
    }
    return null;
  }

  private static final class Scheduler {
    static final ScheduledExecutorService INSTANCE = create();

    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1, Thread.ofPlatform().name("shuttle-goroutine-watch").daemon().factory());
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }

  /** The MXBean's implementation: each call takes a fresh snapshot. */
  private static final class GoroutinesMBean implements GoroutinesMXBean {
    @Override
    public String getDumpText() {
      return GoroutineRegistry.snapshot().toText();
    }

    @Override
    public String getDumpJson() {
      return GoroutineRegistry.snapshot().toJson();
    }

    @Override
    public int getCount() {
      return GoroutineRegistry.size();
    }
  }
}
