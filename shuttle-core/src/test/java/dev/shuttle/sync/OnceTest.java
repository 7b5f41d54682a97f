package dev.shuttle.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class OnceTest {
  private static final int CALLERS = 64;

  /** Starts {@code CALLERS} virtual threads that call {@code call} at the same moment. */
  private static List<Object> race(Callable<Object> call) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    List<AtomicReference<Object>> results = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      AtomicReference<Object> result = new AtomicReference<>();
      results.add(result);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      start.await();
                      result.set(call.call());
                    } catch (Throwable t) {
                      result.set(t);
                    }
                  }));
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    return results.stream().map(AtomicReference::get).toList();
  }

  @Test
  void onceValueRunsOnceUnder64RacingCallersAndAllSeeTheSameValue() throws Exception {
    // given
    AtomicInteger runs = new AtomicInteger();
    Supplier<Object> value =
        Once.value(
            () -> {
              runs.incrementAndGet();
              LockSupport.parkNanos(1_000_000); // widen the race window
              return new Object();
            });

    // when
    List<Object> outcomes = race(value::get);

    // then
    assertThat(runs).hasValue(1);
    assertThat(outcomes).hasSize(CALLERS).containsOnly(outcomes.getFirst());
    assertThat(value.get()).isSameAs(outcomes.getFirst());
  }

  @Test
  void onceFuncRunsOnceUnder64RacingCallers() throws Exception {
    // given
    AtomicInteger runs = new AtomicInteger();
    Runnable init = Once.func(runs::incrementAndGet);

    // when
    race(
        () -> {
          init.run();
          return "ok";
        });
    init.run();

    // then
    assertThat(runs).hasValue(1);
  }

  @Test
  void aFailingOnceThrowsTheSameFailureToAllCallers() throws Exception {
    // given
    AtomicInteger runs = new AtomicInteger();
    IllegalStateException failure = new IllegalStateException("config missing");
    Supplier<String> value =
        Once.value(
            () -> {
              runs.incrementAndGet();
              throw failure;
            });

    // when
    List<Object> outcomes = race(value::get);

    // then
    assertThat(runs).hasValue(1);
    assertThat(outcomes).hasSize(CALLERS).containsOnly(failure);
    assertThatThrownBy(value::get).isSameAs(failure);
  }

  @Test
  void onceValuesRethrowsACheckedFailureToEveryCaller() throws Exception {
    // given
    AtomicInteger runs = new AtomicInteger();
    IOException failure = new IOException("unreachable");
    Callable<String> values =
        Once.values(
            () -> {
              runs.incrementAndGet();
              throw failure;
            });

    // when
    List<Object> outcomes = race(values::call);

    // then
    assertThat(runs).hasValue(1);
    assertThat(outcomes).containsOnly(failure);
  }

  @Test
  void onceValuesReturnsTheValueEveryTime() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Callable<Integer> values = Once.values(runs::incrementAndGet);
    assertThat(values.call()).isEqualTo(1);
    assertThat(values.call()).isEqualTo(1);
    assertThat(runs).hasValue(1);
  }

  @Test
  void callingTheFunctionFromItsOwnBodyIsAClearErrorNotADeadlock() {
    AtomicReference<Runnable> self = new AtomicReference<>();
    self.set(Once.func(() -> self.get().run()));
    assertThatThrownBy(() -> self.get().run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inside its own body");
  }

  @Test
  void nullBodyIsAClearException() {
    assertThatThrownBy(() -> Once.func(null)).hasMessage("body");
    assertThatThrownBy(() -> Once.value(null)).hasMessage("body");
    assertThatThrownBy(() -> Once.values(null)).hasMessage("body");
  }
}
