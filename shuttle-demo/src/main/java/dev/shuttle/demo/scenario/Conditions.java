package dev.shuttle.demo.scenario;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition that no Shuttle call signals, with a generous deadline. */
final class Conditions {
  private static final Duration POLL = Duration.ofMillis(5);

  private Conditions() {}

  /**
   * Waits until {@code condition} holds, checking it every few milliseconds.
   *
   * @return {@code true} if it holds, {@code false} if {@code deadline} passed first
   */
  static boolean await(BooleanSupplier condition, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end >= 0) {
        return condition.getAsBoolean();
      }
      Thread.sleep(POLL);
    }
    return true;
  }
}
