package dev.shuttle.channel;

import dev.shuttle.context.Contexts;
import dev.shuttle.internal.Checks;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Go's {@code time.After}, {@code time.NewTimer}, {@code time.AfterFunc} and {@code
 * time.NewTicker}: channels that receive the time, for use in {@link Select}, and delayed
 * functions.
 *
 * <p>Timers and tickers have Go 1.23's synchronous semantics: after {@link Timer#stop()}, {@link
 * Timer#reset}, {@link Ticker#stop()} or {@link Ticker#reset} returns, no value from before the
 * call can be received, so a timer can be stopped or reset without draining its channel. Two
 * deliberate differences from Go: a negative delay is rejected (Go fires at once), and a timer
 * channel reports {@code cap() == 1} and {@code len() == 1} while a fired value waits (Go 1.23
 * reports 0 for both).
 *
 * <p>All timers share one scheduler thread that exits when no timer is pending: there is no
 * sleeping thread per timer, and a fired or stopped timer leaves nothing behind. A pending timer
 * stays scheduled until it fires, even if nothing references it any more (Go 1.23 collects it):
 * stop a timer you no longer need, and always stop a ticker. Timer channels do not carry a context
 * ({@link Message#context()} is the root context). Thread-safe.
 */
public final class Timers {
  private Timers() {}

  /**
   * {@return a receive-only channel that receives the time once, after {@code delay} (Go's {@code
   * time.After})} The scheduler entry lives until the delay has passed; to release it earlier, use
   * {@link #timer} and stop it.
   *
   * @param delay how long from now until the time is sent, zero or more
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public static ReceiveChannel<Instant> after(Duration delay) {
    return timer(delay).channel();
  }

  /**
   * {@return a one-shot timer that sends the time on its channel after {@code delay} (Go's {@code
   * time.NewTimer})} Actions before this call happen-before the send.
   *
   * @param delay how long from now until the timer fires, zero or more
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public static Timer timer(Duration delay) {
    long nanos = TimerScheduler.nanos(Checks.nonNegative(delay, "delay"));
    Channel<Instant> channel =
        Channel.builder().capacity(1).name("timer").messageContext(false).build();
    Timer timer = Timer.sending(channel);
    timer.arm(nanos, 0);
    return timer;
  }

  /**
   * Runs {@code function} once, after {@code delay}, on a goroutine of its own (Go's {@code
   * time.AfterFunc}), with the context current at this call but without its cancellation ({@link
   * Contexts#withoutCancel}): the function continues the caller's trace, and neither the end of the
   * caller's request nor its cancellation stops or interrupts it (as Go's {@code AfterFunc} is
   * bound to no context). The returned timer's {@link Timer#stop()} prevents the run if it has not
   * started yet (returning {@code true}) and its {@link Timer#reset} schedules the function again;
   * it has no channel ({@link Timer#channel()} throws {@link IllegalStateException}).
   *
   * {@snippet :
   * Timer warning = Timers.afterFunc(Duration.ofSeconds(5), () -> log.warn("still waiting"));
   * try {
   *   return reply.receive();
   * } finally {
   *   warning.stop(); // no warning if the reply came in time
   * }
   * }
   *
   * <p>The function runs as {@link dev.shuttle.Go#go(Context, dev.shuttle.Task)} runs a task: an
   * exception it throws goes to the uncaught-exception handler. It runs even if the caller's
   * context has been cancelled meanwhile; capture that context and check it inside if that matters.
   * Actions before this call (or before a {@code reset}) happen-before the function starts.
   *
   * @param delay how long from now until the function starts, zero or more
   * @param function what to run
   * @return the timer that controls the run, already scheduled
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public static Timer afterFunc(Duration delay, Runnable function) {
    long nanos = TimerScheduler.nanos(Checks.nonNegative(delay, "delay"));
    Objects.requireNonNull(function, "function");
    Timer timer = Timer.running(function, Contexts.withoutCancel(Context.current()));
    timer.arm(nanos, 0);
    return timer;
  }

  /**
   * {@return a ticker that sends the time on its channel every {@code period} (Go's {@code
   * time.NewTicker}), dropping ticks for a slow receiver}
   *
   * @param period the time between ticks, positive
   * @throws IllegalArgumentException if {@code period} is zero or negative
   */
  public static Ticker ticker(Duration period) {
    long nanos = TimerScheduler.nanos(Checks.positive(period, "period"));
    Channel<Instant> channel =
        Channel.builder().capacity(1).name("ticker").messageContext(false).build();
    Timer timer = Timer.sending(channel);
    timer.arm(nanos, nanos);
    return new Ticker(timer);
  }
}
