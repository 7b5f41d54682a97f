package dev.shuttle.demo.scenario;

import dev.shuttle.context.Contexts;
import io.opentelemetry.context.Context;
import java.time.Duration;

/** Simulated work, shortened from the guide's, that stops early when the context is done. */
final class Work {
  private Work() {}

  /**
   * Works for {@code duration} unless the current context is done first.
   *
   * @throws dev.shuttle.context.ContextDoneException if the context is done before the work
   */
  static void simulate(Duration duration) throws InterruptedException {
    Contexts.cancellation(Context.current()).await(duration);
    Contexts.cancellation(Context.current()).throwIfDone();
  }

  /**
   * Works for {@code duration} whatever happens to the current context, as Go code that never looks
   * at it does: neither cancellation nor the interrupt Shuttle sends on cancellation stops it (the
   * interrupt is kept for whoever looks next).
   */
  static void simulateIgnoringCancellation(Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    boolean interrupted = false;
    for (long left = duration.toNanos(); left > 0; left = end - System.nanoTime()) {
      try {
        Contexts.cancellation(Context.root()).await(Duration.ofNanos(left));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
