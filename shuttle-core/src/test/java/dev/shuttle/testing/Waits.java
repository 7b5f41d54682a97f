package dev.shuttle.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a state instead of sleeping and hoping. */
public final class Waits {
  private static final Duration LIMIT = Duration.ofSeconds(10);

  private Waits() {}

  /** Polls {@code condition} every millisecond until it holds; fails after ten seconds. */
  public static void until(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within " + LIMIT);
      }
      Thread.sleep(1);
    }
  }
}
