package dev.shuttle.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a state instead of sleeping and hoping: the one polling loop of Shuttle's tests. Use it
 * where no latch, future or Shuttle wait can tell the test that the state was reached (a metric, a
 * thread's state, a registry count).
 */
public final class Waits {
  /** How long {@link #until(BooleanSupplier)} waits before it fails. */
  public static final Duration LIMIT = Duration.ofSeconds(10);

  private Waits() {}

  /** Polls {@code condition} every millisecond until it holds; fails after ten seconds. */
  public static void until(BooleanSupplier condition) throws InterruptedException {
    until(LIMIT, () -> "condition", condition);
  }

  /**
   * Polls {@code condition} every millisecond until it holds; fails after {@code limit} with {@code
   * description} (evaluated then, so it can show the state that was reached instead).
   */
  public static void until(Duration limit, Supplier<String> description, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + description.get());
      }
      Thread.sleep(1);
    }
  }
}
