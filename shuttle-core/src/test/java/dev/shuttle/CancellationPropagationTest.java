package dev.shuttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.sync.WaitGroup;
import dev.shuttle.telemetry.ShuttleMetricNames;
import dev.shuttle.testing.TelemetryExtension;
import dev.shuttle.testing.Waits;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cancelling a parent reaches every blocked wait below it, promptly, and leaves no thread. */
@Timeout(60)
class CancellationPropagationTest {
  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void cancellingAParentUnblocksEveryBlockedAwaitInTheTreeWithin100Ms() throws Exception {
    // given: a tree of contexts three levels deep, with waiters of both kinds at every node
    CancelableContext root = Contexts.withCancel(Context.root());
    List<Context> nodes = new ArrayList<>(List.of(root.context()));
    for (int depth = 0, from = 0; depth < 3; depth++) {
      int to = nodes.size();
      for (int i = from; i < to; i++) {
        for (int k = 0; k < 4; k++) {
          nodes.add(
              k % 2 == 0
                  ? Contexts.withCancel(nodes.get(i)).context()
                  : Contexts.withTimeout(nodes.get(i), Duration.ofMinutes(5)).context());
        }
      }
      from = to;
    }
    WaitGroup neverDone = WaitGroup.create();
    neverDone.add(1);
    ConcurrentLinkedQueue<Long> unblockedAt = new ConcurrentLinkedQueue<>();
    CountDownLatch blocked = new CountDownLatch(nodes.size() * 2);
    CountDownLatch finished = new CountDownLatch(nodes.size() * 2);
    for (Context node : nodes) {
      Go.go(
          node,
          () -> {
            blocked.countDown();
            try {
              Contexts.cancellation(Context.current()).await();
            } finally {
              unblockedAt.add(System.nanoTime());
              finished.countDown();
            }
          });
      Go.go(
          node,
          () -> {
            blocked.countDown();
            try {
              neverDone.await(Context.current());
            } catch (ContextDoneException expected) {
              unblockedAt.add(System.nanoTime());
            } finally {
              finished.countDown();
            }
          });
    }
    blocked.await();
    // every waiter parked: the goroutine registry shows it blocked (on its context or the group)
    Waits.until(() -> Goroutines.snapshot().blockedCount() >= nodes.size() * 2L);

    // when
    long cancelledAt = System.nanoTime();
    root.cancel();

    // then
    assertThat(finished.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(unblockedAt).hasSize(nodes.size() * 2);
    long slowestMillis =
        TimeUnit.NANOSECONDS.toMillis(
            unblockedAt.stream().mapToLong(t -> t - cancelledAt).max().orElseThrow());
    assertThat(slowestMillis).as("slowest waiter woke after %d ms", slowestMillis).isLessThan(100);
    assertThat(nodes).allMatch(Contexts::isDone);
  }

  @Test
  void tenThousandGoroutinesCancelledMidWaitLeaveNoLiveThread() throws Exception {
    // given
    int count = 10_000;
    CancelableContext request = Contexts.withCancel(Context.root());
    CountDownLatch waiting = new CountDownLatch(count);
    List<Goroutine<Object>> goroutines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      goroutines.add(
          Go.start(
              request.context(),
              () -> {
                waiting.countDown();
                Contexts.cancellation(Context.current()).await();
                return null;
              }));
    }
    assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(telemetry.longSum(ShuttleMetricNames.GOROUTINES_ACTIVE)).isEqualTo(count);

    // when
    request.cancel();

    // then
    for (Goroutine<Object> g : goroutines) {
      g.join(Duration.ofSeconds(10));
    }
    assertThat(goroutines).allMatch(Goroutine::isDone);
    assertThat(telemetry.longSum(ShuttleMetricNames.GOROUTINES_ACTIVE)).isZero();
    assertThat(telemetry.longSum(ShuttleMetricNames.GOROUTINES_STARTED)).isEqualTo(count);
  }

  @Test
  void theDeadlineTimerThreadEndsWhenNoDeadlineIsPending() throws Exception {
    // given
    CancelableContext timed = Contexts.withTimeout(Context.root(), Duration.ofMillis(10));
    assertThat(timed.cancellation().await(Duration.ofSeconds(5))).isTrue();

    // then: the timer thread times out after a second without work
    Waits.until(() -> !timerThreadAlive());
  }

  private static boolean timerThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("shuttle-deadline-timer") && t.isAlive());
  }
}
