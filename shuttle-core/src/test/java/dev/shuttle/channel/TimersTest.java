package dev.shuttle.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Contexts;
import dev.shuttle.testing.Waits;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Timers, tickers and {@code afterFunc}, including the regression tests for stale values after
 * {@code stop}/{@code reset} (Go 1.23's synchronous timers). The ports of Go's own timer tests are
 * in {@link GoTickTest} and {@link GoSleepTest}.
 */
@Timeout(10)
class TimersTest {

  /**
   * Waits until the single scheduler thread has finished the action it was running (if any): a
   * timer of zero delay can only fire after it. Lets a test check "nothing arrives later" without
   * sleeping.
   */
  private static void schedulerFence() throws InterruptedException {
    Timers.after(Duration.ZERO).receive();
  }

  @Test
  void afterDeliversTheTimeOnce() throws Exception {
    Instant before = Instant.now();
    ReceiveChannel<Instant> channel = Timers.after(Duration.ofMillis(10));
    Instant fired = channel.receive();
    assertThat(fired).isAfterOrEqualTo(before.plusMillis(10));
    assertThat(channel.cap()).isEqualTo(1);
    assertThat(channel.tryReceive()).isNull(); // once only
  }

  @Test
  void aStoppedTimerNeverFiresAndLeavesNothingScheduled() throws Exception {
    Timer timer = Timers.timer(Duration.ofMillis(30));
    assertThat(timer.stop()).isTrue();
    assertThat(timer.stop()).isFalse();
    String outcome =
        Select.select(
            timer.channel().onReceive(t -> "fired"),
            // time passes on purpose: twice the stopped timer's delay
            Timers.after(Duration.ofMillis(60)).onReceive(t -> "not fired"));
    assertThat(outcome).isEqualTo("not fired");
    Waits.until(() -> TimerScheduler.pending() == 0);
  }

  @Test
  void aTickerTicksUntilStoppedAndDropsTicksForASlowReceiver() throws Exception {
    try (Ticker ticker = Timers.ticker(Duration.ofMillis(5))) {
      for (int i = 0; i < 3; i++) {
        ticker.channel().receive();
      }
      // time passes on purpose: about eight periods without a receiver, so ticks must be dropped
      Thread.sleep(40);
      Waits.until(() -> ticker.channel().len() == 1); // the one tick the buffer holds
      assertThat(ticker.channel().cap()).isEqualTo(1);

      // and the ticker goes on: the kept tick, then new ones
      ticker.channel().receive();
      ticker.channel().receive();
    }
    Waits.until(() -> TimerScheduler.pending() == 0);
  }

  @Test
  void theSchedulerThreadExitsWhenIdle() throws Exception {
    Timers.after(Duration.ofMillis(1)).receive();
    Waits.until(
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("shuttle-channel-timer")));
  }

  @Test
  void rejectsBadDurations() {
    assertThatThrownBy(() -> Timers.after(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay must not be negative");
    assertThatThrownBy(() -> Timers.afterFunc(Duration.ofMillis(-1), () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay must not be negative");
    assertThatThrownBy(() -> Timers.ticker(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("period must be positive");
    try (Timer timer = Timers.timer(Duration.ofHours(1));
        Ticker ticker = Timers.ticker(Duration.ofHours(1))) {
      assertThatThrownBy(() -> timer.reset(Duration.ofNanos(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("delay must not be negative");
      assertThatThrownBy(() -> ticker.reset(Duration.ofNanos(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("period must be positive");
    }
  }

  // ------------------------------------------- regression: no stale value after stop or reset

  @Test
  void aStoppedTickerDeliversNoStaleTick() throws Exception {
    // given a 1 ns ticker that keeps its one-slot buffer full; when stopped; then its buffer is
    // empty at once, and stays so once any firing under way has finished
    int stale = 0;
    for (int i = 0; i < 200; i++) {
      try (Ticker ticker = Timers.ticker(Duration.ofNanos(1))) {
        ticker.channel().receive();
        ticker.stop();
        if (ticker.channel().tryReceive() != null) {
          stale++;
        }
        schedulerFence();
        if (ticker.channel().tryReceive() != null) {
          stale++;
        }
      }
    }
    assertThat(stale).isZero();
  }

  @Test
  void aStoppedTickerDeliversNoInFlightTick() throws Exception {
    // given a 1 ns ticker whose tick may be in flight when stop is called; when the buffer is
    // drained after stop and the scheduler has passed; then no tick arrives
    int stale = 0;
    for (int i = 0; i < 500; i++) {
      try (Ticker ticker = Timers.ticker(Duration.ofNanos(1))) {
        ticker.channel().receive();
        ticker.stop();
        ticker.channel().tryReceive();
        schedulerFence();
        if (ticker.channel().tryReceive() != null) {
          stale++;
        }
      }
    }
    assertThat(stale).isZero();
  }

  @Test
  void aResetTickerDeliversNoStaleTick() throws Exception {
    int stale = 0;
    for (int i = 0; i < 300; i++) {
      try (Ticker ticker = Timers.ticker(Duration.ofNanos(1))) {
        ticker.channel().receive();
        ticker.reset(Duration.ofHours(1));
        if (ticker.channel().tryReceive() != null) {
          stale++;
        }
        schedulerFence();
        if (ticker.channel().tryReceive() != null) {
          stale++;
        }
      }
    }
    assertThat(stale).isZero();
  }

  @Test
  void aResetTimerDeliversNoStaleValue() throws Exception {
    int stale = 0;
    int inactive = 0;
    for (int i = 0; i < 300; i++) {
      try (Timer timer = Timers.timer(Duration.ZERO)) {
        if (i % 2 == 0) {
          schedulerFence(); // fired, value waiting; otherwise maybe firing right now
        }
        if (!timer.reset(Duration.ofHours(1))) {
          inactive++; // a timer whose value nobody received is still active (Go 1.23)
        }
        if (timer.channel().tryReceive() != null) {
          stale++;
        }
        schedulerFence();
        if (timer.channel().tryReceive() != null) {
          stale++;
        }
      }
    }
    assertThat(stale).isZero();
    assertThat(inactive).isZero();
    Waits.until(() -> TimerScheduler.pending() == 0);
  }

  @Test
  void aStoppedTimerDeliversNoInFlightValue() throws Exception {
    // given a timer due now, so that its firing may be under way; when stopped; then nothing
    // arrives once the scheduler has passed, and stop reported the timer as active
    int stale = 0;
    int inactive = 0;
    for (int i = 0; i < 5_000; i++) {
      Timer timer = Timers.timer(Duration.ZERO);
      if (!timer.stop()) {
        inactive++;
      }
      schedulerFence();
      if (timer.channel().tryReceive() != null) {
        stale++;
      }
    }
    assertThat(stale).isZero();
    assertThat(inactive).isZero();
  }

  @Test
  void stoppingAFiredTimerWhoseValueWasNotReceivedReturnsTrueAndWithdrawsIt() throws Exception {
    Timer timer = Timers.timer(Duration.ZERO);
    schedulerFence();
    assertThat(timer.channel().len()).isEqualTo(1);

    assertThat(timer.stop()).isTrue();

    assertThat(timer.channel().len()).isZero();
    assertThat(timer.stop()).isFalse();
  }

  @Test
  void aFiredTimerWhoseValueWasReceivedIsInactiveAndFiresAgainWhenReset() throws Exception {
    Timer timer = Timers.timer(Duration.ofMillis(1));
    timer.channel().receive();
    assertThat(timer.stop()).isFalse();

    assertThat(timer.reset(Duration.ofMillis(1))).isFalse();
    timer.channel().receive();
    assertThat(timer.reset(Duration.ofMillis(1))).isFalse();
    timer.channel().receive();

    assertThat(timer.stop()).isFalse();
    assertThat(TimerScheduler.pending()).isZero();
  }

  @Test
  void aStoppedTickerTicksAgainWhenReset() throws Exception {
    try (Ticker ticker = Timers.ticker(Duration.ofMillis(1))) {
      ticker.channel().receive();
      ticker.stop();
      ticker.stop(); // a second stop does nothing

      ticker.reset(Duration.ofMillis(2));

      for (int i = 0; i < 3; i++) {
        ticker.channel().receive();
      }
    }
    Waits.until(() -> TimerScheduler.pending() == 0);
  }

  @Test
  void aTickerKeepsOneSchedulerEntryAndAStoppedOneNone() throws Exception {
    Ticker ticker = Timers.ticker(Duration.ofHours(1));
    Timer timer = Timers.timer(Duration.ofHours(1));
    Waits.until(() -> TimerScheduler.pending() == 2); // other tests' timers may still be pending
    for (int i = 0; i < 100; i++) {
      ticker.reset(Duration.ofHours(1));
      timer.reset(Duration.ofHours(1));
    }
    assertThat(TimerScheduler.pending()).isEqualTo(2);

    ticker.stop();
    timer.stop();

    assertThat(TimerScheduler.pending()).isZero();
  }

  @Test
  void durationsTooLongForNanosecondsMeanNever() throws Exception {
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
    try (Ticker ticker = Timers.ticker(forever);
        Timer timer = Timers.timer(forever)) {
      ticker.reset(forever);
      assertThat(timer.reset(forever)).isTrue();
      schedulerFence();
      assertThat(ticker.channel().tryReceive()).isNull();
      assertThat(timer.channel().tryReceive()).isNull();
    }
    assertThat(TimerScheduler.pending()).isZero();
  }

  @Test
  void theNextTickStaysOnThePeriodsGrid() {
    assertThat(TimerScheduler.nextTickDelay(0, 100)).isEqualTo(100);
    assertThat(TimerScheduler.nextTickDelay(30, 100)).isEqualTo(70);
    assertThat(TimerScheduler.nextTickDelay(250, 100)).isEqualTo(50); // two ticks dropped
    assertThat(TimerScheduler.nextTickDelay(-5, 100)).isEqualTo(105); // never early
    assertThat(TimerScheduler.nextTickDelay(-5, TimerScheduler.NEVER_NANOS))
        .isEqualTo(TimerScheduler.NEVER_NANOS);
  }

  // ------------------------------------------------------------------------------ afterFunc

  @Test
  void afterFuncOutlivesTheCancellationOfTheCallersContext() throws Exception {
    // given a timer set inside a request that ends before it fires
    CompletableFuture<String> outcome = new CompletableFuture<>();
    CountDownLatch requestOver = new CountDownLatch(1);
    try (CancelableContext request = Contexts.withCancel(Context.root());
        Scope ignored = request.makeCurrent()) {
      Timers.afterFunc(
          Duration.ofMillis(1),
          () -> {
            try {
              requestOver.await();
              // time passes on purpose: a blocking call the request's cancellation would interrupt
              Thread.sleep(10);
              outcome.complete(Contexts.isDone(Context.current()) ? "done context" : "slept");
            } catch (InterruptedException e) {
              outcome.complete("interrupted");
            }
          });
    } // cancels the request
    requestOver.countDown();

    // then: Go's AfterFunc is bound to no context
    assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo("slept");
  }

  @Test
  void afterFuncRunsOnceOnAGoroutineWithTheCallersContext() throws Exception {
    // given a span current at the call
    SpanContext caller =
        SpanContext.create(
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            TraceFlags.getSampled(),
            TraceState.getDefault());
    CompletableFuture<SpanContext> seen = new CompletableFuture<>();
    CompletableFuture<Thread> thread = new CompletableFuture<>();
    AtomicInteger runs = new AtomicInteger();
    Timer timer;
    try (Scope ignored = Span.wrap(caller).makeCurrent()) {
      // when
      timer =
          Timers.afterFunc(
              Duration.ofMillis(1),
              () -> {
                runs.incrementAndGet();
                thread.complete(Thread.currentThread());
                seen.complete(Span.current().getSpanContext());
              });
    }
    // then
    assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo(caller);
    assertThat(thread.get().isVirtual()).isTrue();
    schedulerFence();
    assertThat(runs).hasValue(1);
    assertThat(timer.stop()).isFalse();
  }

  @Test
  void aStoppedAfterFuncNeverRuns() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Timer timer = Timers.afterFunc(Duration.ofMillis(20), runs::incrementAndGet);

    assertThat(timer.stop()).isTrue();

    assertThat(timer.stop()).isFalse();
    assertThat(TimerScheduler.pending()).isZero();
    Timers.after(Duration.ofMillis(40)).receive(); // time passes on purpose: past its due time
    assertThat(runs).hasValue(0);
  }

  @Test
  void anAfterFuncTimerHasNoChannel() {
    try (Timer timer = Timers.afterFunc(Duration.ofHours(1), () -> {})) {
      assertThatThrownBy(timer::channel)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("afterFunc")
          .hasMessageContaining("no channel");
    }
  }

  @Test
  void resettingAnAfterFuncTimerRunsTheFunctionAgain() throws Exception {
    Channel<Integer> ran = Channel.buffered(2);
    AtomicInteger runs = new AtomicInteger();
    Timer timer = Timers.afterFunc(Duration.ZERO, () -> ran.trySend(runs.incrementAndGet()));
    assertThat(ran.receive()).isEqualTo(1);

    assertThat(timer.reset(Duration.ofMillis(1))).isFalse();
    assertThat(ran.receive()).isEqualTo(2);

    // a pending run is rescheduled, not doubled
    assertThat(timer.reset(Duration.ofHours(1))).isFalse();
    assertThat(timer.reset(Duration.ofMillis(1))).isTrue();
    assertThat(ran.receive()).isEqualTo(3);
    schedulerFence();
    assertThat(runs).hasValue(3);
  }

  @Test
  void stopAndFiringAreLinearisable() throws Exception {
    // given many afterFunc timers due about now; when each is stopped concurrently with its
    // firing; then exactly the timers whose stop returned false ran, each exactly once
    int count = 2_000;
    AtomicIntegerArray runs = new AtomicIntegerArray(count);
    List<Timer> timers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int index = i;
      long delay = ThreadLocalRandom.current().nextLong(20_000);
      timers.add(Timers.afterFunc(Duration.ofNanos(delay), () -> runs.incrementAndGet(index)));
    }
    boolean[] stopped = new boolean[count];
    for (int i = 0; i < count; i++) {
      stopped[i] = timers.get(i).stop();
    }
    int started = 0;
    for (boolean s : stopped) {
      started += s ? 0 : 1;
    }
    int expected = started;
    Waits.until(() -> sum(runs) >= expected);
    schedulerFence();
    for (int i = 0; i < count; i++) {
      assertThat(runs.get(i))
          .as("runs of timer %d (stop returned %s)", i, stopped[i])
          .isEqualTo(stopped[i] ? 0 : 1);
    }
  }

  private static int sum(AtomicIntegerArray array) {
    int total = 0;
    for (int i = 0; i < array.length(); i++) {
      total += array.get(i);
    }
    return total;
  }
}
