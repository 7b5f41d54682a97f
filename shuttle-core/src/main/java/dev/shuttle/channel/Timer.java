package dev.shuttle.channel;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.internal.Checks;
import dev.shuttle.internal.run.TaskLauncher;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A one-shot timer (Go's {@code time.Timer}): created by {@link Timers#timer}, it sends the time on
 * its {@linkplain #channel() channel} once it fires; created by {@link Timers#afterFunc}, it runs a
 * function on a goroutine of its own instead and has no channel.
 *
 * {@snippet :
 * try (Timer timeout = Timers.timer(Duration.ofSeconds(1))) {
 *   String r = Select.select(replies.onReceive(x -> x), timeout.channel().onReceive(t -> "timeout"));
 * } // stops the timer if it has not fired
 * }
 *
 * <p>Go 1.23 semantics: {@link #stop()} and {@link #reset} are synchronous. Once either returns, no
 * receive from the channel yields a time from before the call: a value already sent but not yet
 * received is withdrawn, and a firing that was under way is dropped. So {@code reset} needs no
 * {@code stop}-and-drain first, and {@code if (!t.stop()) t.channel().receive()} (the pre-1.23
 * idiom) would block: a timer that fired but whose value nobody received counts as active.
 *
 * <p>Memory consistency effects: actions in a thread before it creates the timer or calls {@link
 * #reset} happen-before the firing that this creation or reset schedules, hence before the receive
 * of the time it sends and before the start of an {@code afterFunc} function.
 *
 * <p>Thread-safe. A fired or stopped timer holds no thread and no scheduler entry.
 *
 * <p>Implementation note: a {@link ReentrantLock} guards the {@code generation} and the {@code
 * future} of the scheduled firing ({@code null} when the timer is not active). Each firing is
 * scheduled on the {@link TimerScheduler} with the generation current at scheduling time; {@link
 * #fire} takes the lock and acts only if the generation is unchanged, then (for a ticker) schedules
 * the next firing under the same lock. {@link #stop()} and {@link #reset} take the lock, bump the
 * generation, cancel the future (removing it from the scheduler's queue) and, for a channel timer,
 * remove any value already buffered. A firing that already runs when they take the lock finds a new
 * generation and does nothing; one that ran before has sent its value, which the drain removes
 * unless a receiver already took it (then it was received before the call, as in Go). The lock is
 * the linearisation point of {@code fire}, {@code stop} and {@code reset}; the lock's release and
 * acquisition carry the happens-before edges stated above. A channel send under this lock never
 * blocks ({@link Channel#trySend}), and this lock is never held while taking another timer's.
 */
public final class Timer implements AutoCloseable {
  private final ReentrantLock lock = new ReentrantLock();
  private final @Nullable Channel<Instant> channel;
  private final @Nullable ReceiveChannel<Instant> receiveView;
  private final @Nullable Runnable function;
  private final Context functionContext;

  @GuardedBy("lock")
  private long generation;

  /** The scheduled firing; {@code null} when the timer is stopped or has fired. */
  @GuardedBy("lock")
  private @Nullable ScheduledFuture<?> future;

  /** Nanoseconds between ticks, or 0 for a one-shot timer. */
  @GuardedBy("lock")
  private long periodNanos;

  /** The {@link System#nanoTime()} at which the scheduled firing is due. */
  @GuardedBy("lock")
  private long dueNanos;

  private Timer(
      @Nullable Channel<Instant> channel, @Nullable Runnable function, Context functionContext) {
    this.channel = channel;
    this.receiveView = channel == null ? null : channel.receiveOnly();
    this.function = function;
    this.functionContext = functionContext;
  }

  /** A timer (period 0) or ticker core sending on {@code channel}; not yet scheduled. */
  static Timer sending(Channel<Instant> channel) {
    return new Timer(channel, null, Context.root());
  }

  /** A timer that starts {@code function} with {@code context} current; not yet scheduled. */
  static Timer running(Runnable function, Context context) {
    return new Timer(null, function, context);
  }

  /**
   * {@return the receive-only channel of the firing time; it is never closed by the timer (as in
   * Go)} {@linkplain ReceiveChannel#cancel() Cancelling} it ends the deliveries for good.
   *
   * @throws IllegalStateException if this timer was made by {@link Timers#afterFunc}, which runs a
   *     function instead (Go leaves its {@code C} nil)
   */
  public ReceiveChannel<Instant> channel() {
    if (receiveView == null) {
      throw new IllegalStateException(
          "this timer was made by Timers.afterFunc and runs a function: it has no channel");
    }
    return receiveView;
  }

  /**
   * Stops the timer (Go's {@code Timer.Stop}). After this returns, no receive from the channel
   * yields a time from before the call, and the timer will not fire until it is {@linkplain #reset
   * reset}.
   *
   * <p>For an {@link Timers#afterFunc} timer, {@code false} means the function has been started on
   * its goroutine (or is about to be); {@code stop} does not wait for it to finish.
   *
   * @return {@code true} if this call stopped an active timer, including one that fired but whose
   *     time nobody had received yet (as in Go 1.23); {@code false} if the timer had already been
   *     stopped, or had fired and its time was received (or its function started)
   */
  public boolean stop() {
    lock.lock();
    try {
      return disarmLocked();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Re-arms the timer to fire once after {@code delay} (Go's {@code Timer.Reset}), whether it is
   * active, stopped or fired. After this returns, no receive from the channel yields a time from
   * before the call: only the firing this call schedules can be received.
   *
   * <p>For an {@link Timers#afterFunc} timer, the function runs again after {@code delay}, with the
   * context captured by {@code afterFunc}; if it returns {@code false}, the previous run may still
   * be going on and may overlap the next one.
   *
   * @param delay how long from now until the timer fires, zero or more
   * @return {@code true} if the timer had been active (as {@link #stop()} would have returned),
   *     {@code false} if it had been stopped or had fired
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public boolean reset(Duration delay) {
    long nanos = TimerScheduler.nanos(Checks.nonNegative(delay, "delay"));
    return arm(nanos, 0);
  }

  /** Stops the timer; for try-with-resources. */
  @Override
  public void close() {
    stop();
  }

  /**
   * Disarms and schedules the first firing after {@code delayNanos}, then every {@code periodNanos}
   * if that is positive.
   *
   * @return whether the timer had been active
   */
  boolean arm(long delayNanos, long periodNanos) {
    lock.lock();
    try {
      boolean wasActive = disarmLocked();
      long scheduled = generation;
      this.periodNanos = periodNanos;
      dueNanos = System.nanoTime() + delayNanos;
      future = TimerScheduler.schedule(delayNanos, () -> fire(scheduled));
      return wasActive;
    } finally {
      lock.unlock();
    }
  }

  @GuardedBy("lock")
  private boolean disarmLocked() {
    generation++;
    boolean wasActive = false;
    ScheduledFuture<?> scheduled = future;
    if (scheduled != null) {
      future = null;
      scheduled.cancel(false);
      wasActive = true;
    }
    if (channel != null && channel.tryReceive() instanceof Message<Instant> && periodNanos == 0) {
      wasActive = true; // fired, but nobody received the time: Go 1.23 reports it as active
    }
    return wasActive;
  }

  /** Runs on the scheduler thread: sends the time, or starts the function, if still current. */
  private void fire(long scheduledGeneration) {
    Runnable start = null;
    lock.lock();
    try {
      if (scheduledGeneration != generation) {
        return; // stopped or reset since this firing was scheduled
      }
      if (periodNanos > 0) {
        long now = System.nanoTime();
        long delay = TimerScheduler.nextTickDelay(now - dueNanos, periodNanos);
        dueNanos = now + delay;
        future = TimerScheduler.schedule(delay, () -> fire(scheduledGeneration));
      } else {
        future = null;
      }
      if (channel != null) {
        sendLocked(channel);
      } else {
        start = function;
      }
    } finally {
      lock.unlock();
    }
    if (start != null) {
      TaskLauncher.launch(
          "timer",
          functionContext,
          null,
          Attributes.empty(),
          start::run,
          failure -> {
            if (failure != null) {
              TaskLauncher.reportUncaught(failure);
            }
          });
    }
  }

  private static void sendLocked(Channel<Instant> channel) {
    // FULL: a slow receiver misses this tick, as in Go; Closed: its receiver cancelled the channel
    channel.trySendOrClosed(Instant.now());
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return "Timer["
          + (future != null ? "active" : "inactive")
          + (channel == null ? ", afterFunc" : "")
          + "]";
    } finally {
      lock.unlock();
    }
  }
}
