package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared decode budget: reservations, clamping, FIFO waiting, growth, and a stress run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecodeBudgetTest {

  @Test
  void aReservationHoldsItsBytesUntilClosedOnce() throws Exception {
    DecodeBudget budget = new DecodeBudget(100);

    DecodeBudget.Reservation reservation = budget.tryReserve(30, Duration.ZERO);

    assertThat(reservation).isNotNull();
    assertThat(reservation.held()).isEqualTo(30);
    assertThat(budget.available()).isEqualTo(70);
    reservation.close();
    reservation.close();
    assertThat(budget.available()).isEqualTo(100);
  }

  @Test
  void aCostAboveTheCapacityIsNeverAdmitted() {
    DecodeBudget budget = new DecodeBudget(100);

    assertThat(budget.admits(100)).isTrue();
    assertThat(budget.admits(101)).isFalse();
    assertThatThrownBy(() -> budget.tryReserve(101, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("admits");
    assertThat(budget.available()).isEqualTo(100);
  }

  @Test
  void anExhaustedBudgetRefusesAfterTheWait() throws Exception {
    DecodeBudget budget = new DecodeBudget(100);
    try (DecodeBudget.Reservation all = budget.tryReserve(100, Duration.ZERO)) {
      assertThat(all).isNotNull();

      long t0 = System.nanoTime();
      DecodeBudget.Reservation refused = budget.tryReserve(10, Duration.ofMillis(200));

      assertThat(refused).isNull();
      assertThat(Duration.ofNanos(System.nanoTime() - t0))
          .isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }
  }

  @Test
  void aWaiterGetsTheBytesWhenTheyAreReleased() throws Exception {
    DecodeBudget budget = new DecodeBudget(100);
    DecodeBudget.Reservation all = budget.tryReserve(100, Duration.ZERO);
    CompletableFuture<DecodeBudget.Reservation> waiter =
        CompletableFuture.supplyAsync(() -> reserve(budget, 50, Duration.ofSeconds(30)));
    awaitWaiting(budget, waiter);

    all.close();

    assertThat(waiter.get(10, TimeUnit.SECONDS).held()).isEqualTo(50);
    assertThat(budget.available()).isEqualTo(50);
  }

  @Test
  void waitersAreServedInArrivalOrderSoThatALargeOneIsNotStarved() throws Exception {
    // given 90 of 100 bytes held, and a waiter for 50 queued first
    DecodeBudget budget = new DecodeBudget(100);
    DecodeBudget.Reservation held = budget.tryReserve(90, Duration.ZERO);
    CompletableFuture<DecodeBudget.Reservation> large =
        CompletableFuture.supplyAsync(() -> reserve(budget, 50, Duration.ofSeconds(30)));
    awaitWaiting(budget, large);

    // when a small request comes that would fit in the 10 available
    DecodeBudget.Reservation small = budget.tryReserve(5, Duration.ofMillis(100));

    // then it does not jump the queue; once the holder is done the large one goes first
    assertThat(small).isNull();
    held.close();
    assertThat(large.get(10, TimeUnit.SECONDS).held()).isEqualTo(50);
    assertThat(budget.tryReserve(5, Duration.ZERO)).isNotNull();
  }

  @Test
  void growingTakesWhatIsAvailableUpToTheCapacity() throws Exception {
    DecodeBudget budget = new DecodeBudget(100);
    DecodeBudget.Reservation other = budget.tryReserve(40, Duration.ZERO);
    try (DecodeBudget.Reservation growing = budget.tryReserve(10, Duration.ZERO)) {
      assertThat(growing.tryGrow(50)).isTrue();
      assertThat(growing.held()).isEqualTo(60);
      assertThat(growing.tryGrow(1)).isFalse();
      other.close();
      assertThat(growing.tryGrow(41)).isFalse(); // beyond the capacity: never
      assertThat(growing.tryGrow(40)).isTrue();
      assertThat(growing.held()).isEqualTo(100);
    }
    assertThat(budget.available()).isEqualTo(100);
  }

  @Test
  void anInterruptedWaiterReservesNothingAndLeavesTheQueue() throws Exception {
    DecodeBudget budget = new DecodeBudget(100);
    DecodeBudget.Reservation all = budget.tryReserve(100, Duration.ZERO);
    Thread waiter =
        Thread.ofVirtual()
            .start(
                () -> {
                  assertThatThrownBy(() -> budget.tryReserve(10, Duration.ofSeconds(30)))
                      .isInstanceOf(InterruptedException.class);
                });
    while (waiter.getState() != Thread.State.WAITING
        && waiter.getState() != Thread.State.TIMED_WAITING) {
      Thread.sleep(1);
    }

    waiter.interrupt();
    waiter.join();
    all.close();

    assertThat(budget.available()).isEqualTo(100);
    assertThat(budget.tryReserve(100, Duration.ZERO)).isNotNull(); // nobody left in the queue
  }

  @Test
  void invalidArgumentsAreRejected() {
    assertThatThrownBy(() -> new DecodeBudget(0)).hasMessageContaining("positive");
    assertThatThrownBy(() -> new DecodeBudget(10).tryReserve(-1, Duration.ZERO))
        .hasMessageContaining("within [0, 10]");
  }

  @Test
  void underContentionTheHeldBytesNeverExceedTheCapacityAndAllComeBack() throws Exception {
    // given many threads reserving, growing and releasing random amounts at once
    long capacity = 1_000;
    DecodeBudget budget = new DecodeBudget(capacity);
    AtomicLong held = new AtomicLong();
    AtomicLong maxHeld = new AtomicLong();
    AtomicLong granted = new AtomicLong();
    int threads = System.getenv("CI") == null ? 32 : 128;
    int rounds = System.getenv("CI") == null ? 500 : 5_000;
    List<Future<?>> workers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  for (int i = 0; i < rounds; i++) {
                    DecodeBudget.Reservation reservation =
                        budget.tryReserve(random.nextLong(1, 400), Duration.ofMillis(5));
                    if (reservation == null) {
                      continue;
                    }
                    try (reservation) {
                      granted.incrementAndGet();
                      long before = reservation.held();
                      boolean grew = reservation.tryGrow(random.nextLong(0, 200));
                      long now = held.addAndGet(reservation.held());
                      maxHeld.accumulateAndGet(now, Math::max);
                      assertThat(grew || reservation.held() == before).isTrue();
                      Thread.sleep(0, random.nextInt(1000)); // hold it a moment
                      held.addAndGet(-reservation.held());
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    }

    // then the sum held never went over the capacity, and every byte came back
    assertThat(granted.get()).isPositive();
    assertThat(maxHeld.get()).isLessThanOrEqualTo(capacity);
    assertThat(budget.available()).isEqualTo(capacity);
  }

  private static DecodeBudget.Reservation reserve(DecodeBudget budget, long bytes, Duration wait) {
    try {
      return budget.tryReserve(bytes, wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until a reservation is queued behind the held bytes. */
  private static void awaitWaiting(DecodeBudget budget, CompletableFuture<?> waiter)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && !waiter.isDone()) {
      if (budget.queued() > 0) {
        return;
      }
      Thread.sleep(1);
    }
    throw new AssertionError("the waiter did not queue");
  }
}
