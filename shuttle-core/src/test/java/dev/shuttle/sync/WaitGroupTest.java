package dev.shuttle.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(10)
class WaitGroupTest {
  private static final ContextKey<String> REQUEST = ContextKey.named("request");

  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void awaitReturnsOnceEveryAddIsMatchedByDone() throws Exception {
    // given
    WaitGroup wg = WaitGroup.create();
    AtomicInteger finished = new AtomicInteger();
    wg.add(3);
    for (int i = 0; i < 3; i++) {
      Thread.ofVirtual()
          .start(
              () -> {
                finished.incrementAndGet();
                wg.done();
              });
    }

    // when
    wg.await();

    // then
    assertThat(finished).hasValue(3);
    assertThat(wg.count()).isZero();
  }

  @Test
  void goRunsEachTaskUnderTheCallersContextAndWaitsForAll() throws Exception {
    // given
    WaitGroup wg = WaitGroup.create();
    ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

    // when
    try (Scope ignored = Context.root().with(REQUEST, "req-7").makeCurrent()) {
      for (int i = 0; i < 10; i++) {
        wg.go(() -> seen.add(Context.current().get(REQUEST)));
      }
    }
    wg.await();

    // then
    assertThat(seen).hasSize(10).containsOnly("req-7");
  }

  @Test
  void aNegativeCounterIsAnImmediateClearErrorAndChangesNothing() {
    // given
    WaitGroup wg = WaitGroup.create();
    wg.add(1);

    // then
    assertThatThrownBy(() -> wg.add(-2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("WaitGroup counter would go negative")
        .hasMessageContaining("it is 1 and add(-2)");
    assertThat(wg.count()).isEqualTo(1);
    wg.done();
    assertThatThrownBy(wg::done)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("add(-1)");
    assertThat(wg.count()).isZero();
  }

  @Test
  void awaitWithATimeoutReportsWhetherTheCounterReachedZero() throws Exception {
    // given
    WaitGroup wg = WaitGroup.create();
    wg.add(1);

    // then
    assertThat(wg.await(Duration.ofMillis(20))).isFalse();
    wg.done();
    assertThat(wg.await(Duration.ofMillis(20))).isTrue();
  }

  @Test
  void awaitWithAContextThrowsWithTheCauseWhenTheContextIsCancelled() throws Exception {
    // given
    WaitGroup wg = WaitGroup.create();
    wg.add(1);
    CancelableContext c = Contexts.withCancel(Context.root());
    IllegalStateException cause = new IllegalStateException("client went away");
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    CountDownLatch waiting = new CountDownLatch(1);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                waiting.countDown();
                wg.await(c.context());
                outcome.complete(null);
              } catch (Throwable t) {
                outcome.complete(t);
              }
            });
    waiting.await();

    // when
    c.cancel(cause);

    // then
    assertThat(outcome.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ContextDoneException.class)
        .hasCause(cause);
    assertThat(wg.count()).isEqualTo(1);
  }

  @Test
  void awaitWithAContextReturnsNormallyWhenTheCounterReachesZeroFirst() throws Exception {
    // given
    WaitGroup wg = WaitGroup.create();
    wg.add(1);
    CancelableContext c = Contexts.withCancel(Context.root());
    wg.go(wg::done);

    // when / then: no exception
    wg.await(c.context());
    assertThat(c.cancellation().isDone()).isFalse();
  }

  @Test
  void awaitIsInterruptible() throws Exception {
    // given
    WaitGroup wg = WaitGroup.create();
    wg.add(1);
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread waiter =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    wg.await();
                    outcome.complete(null);
                  } catch (Throwable t) {
                    outcome.complete(t);
                  }
                });

    // when
    waiter.interrupt();

    // then
    assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
  }

  @Test
  void aFailingGoTaskStillCountsDownAndReachesTheUncaughtHandler() throws Exception {
    // given
    WaitGroup wg = WaitGroup.create();
    CompletableFuture<Throwable> handled = new CompletableFuture<>();
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> handled.complete(e));
    RuntimeException failure = new RuntimeException("boom");

    // when
    try {
      wg.go(
          () -> {
            throw failure;
          });
      wg.await();

      // then
      assertThat(handled.get(5, TimeUnit.SECONDS)).isSameAs(failure);
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }

  @Test
  void nullTaskIsAClearException() {
    WaitGroup wg = WaitGroup.create();
    assertThatThrownBy(() -> wg.go(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("task");
    assertThat(wg.count()).isZero();
  }
}
