package dev.shuttle.channel;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** Starts a test's virtual threads with an outcome to join. */
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
}
