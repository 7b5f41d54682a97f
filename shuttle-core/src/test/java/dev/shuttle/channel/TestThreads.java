package dev.shuttle.channel;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** Helpers for tests that start virtual threads and wait for a state without blind sleeps. */
final class TestThreads {
  private TestThreads() {}

  /** Runs {@code body} on a new virtual thread; the future completes with its outcome. */
  static <T> CompletableFuture<T> async(Callable<T> body) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                result.complete(body.call());
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    return result;
  }

  /** Polls {@code condition} until it holds, failing after five seconds. */
  static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within 5 s");
      }
      Thread.sleep(1);
    }
  }
}
