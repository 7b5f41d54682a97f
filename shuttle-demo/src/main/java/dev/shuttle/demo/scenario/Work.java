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

  /** Works for {@code duration} whatever happens to the current context (work that cannot stop). */
  static void simulateIgnoringCancellation(Duration duration) throws InterruptedException {
    Contexts.cancellation(Contexts.withoutCancel(Context.current())).await(duration);
  }
}
