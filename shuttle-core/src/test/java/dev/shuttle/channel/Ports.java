package dev.shuttle.channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Helpers for the ports of Go's and Jox's channel tests: Go's {@code go f()} as a virtual thread
 * whose outcome can be joined, and Go's {@code testing.Short()} scaling as the {@code CI} switch.
 * Where Go sleeps for a state, the ports wait on it with {@link dev.shuttle.testing.Waits}.
 */
final class Ports {
  /** Whether the environment variable {@code CI} is set: the long variants run. */
  static final boolean CI = System.getenv("CI") != null;

  /** How long a port waits for a thread or a state before it fails instead of hanging. */
  static final Duration PATIENCE = Duration.ofSeconds(20);

  private Ports() {}

  /** Returns {@code local} normally and {@code ci} when the environment variable CI is set. */
  static int scaled(int local, int ci) {
    return CI ? ci : local;
  }

  /** A body that may throw, as a goroutine's. */
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  /** Go's {@code go body()}: runs {@code body} on a new virtual thread; join with {@link #join}. */
  static CompletableFuture<Void> go(Body body) {
    return TestThreads.async(
        () -> {
          body.run();
          return null;
        });
  }

  /** Waits for {@code future} and returns its value, rethrowing a failure of its thread. */
  static <T> T join(Future<T> future) throws Exception {
    try {
      return future.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (TimeoutException e) {
      throw new AssertionError("a thread did not finish within " + PATIENCE, e);
    }
  }

  /** Waits for every future in turn, rethrowing the first failure. */
  static void joinAll(List<? extends Future<?>> futures) throws Exception {
    for (Future<?> future : new ArrayList<>(futures)) {
      join(future);
    }
  }

  /**
   * Jox's {@code forkCancelable}: runs {@code body} on a new virtual thread that {@link
   * Fork#cancel} interrupts.
   */
  static <T> Fork<T> forkCancelable(Callable<T> body) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    result.complete(body.call());
                  } catch (Throwable t) {
                    result.completeExceptionally(t);
                  }
                });
    return new Fork<>(thread, result);
  }

  /** A thread started by {@link #forkCancelable}, with its outcome. */
  record Fork<T>(Thread thread, CompletableFuture<T> result) {
    /**
     * Interrupts the thread, waits for it, and returns its value or the exception it ended with.
     */
    Object cancel() throws InterruptedException {
      thread.interrupt();
      if (!thread.join(PATIENCE)) {
        throw new AssertionError("an interrupted thread did not finish within " + PATIENCE);
      }
      return result.state() == Future.State.SUCCESS ? result.resultNow() : result.exceptionNow();
    }
  }

  /**
   * Go's {@code runtime.Gosched()}: lets other virtual threads run. Not {@link Thread#yield}: a
   * virtual thread that yields goes back to its carrier's local queue whenever that queue has other
   * tasks, and threads waiting in the scheduler's external queue can then starve for good (Go's
   * scheduler checks its global run queue every 61 ticks). Four producers and four consumers
   * looping on {@code trySend}/{@code tryReceive} with {@code Thread.yield} starved every consumer
   * here, on a lock-free buffered channel, in 3 runs of 3 (Shuttle) and 2 of 2 (Jox 1.1.1, the same
   * loop with a select with a default case). A timed park of a nanosecond empties the carrier's
   * queue long enough for the waiting threads to run.
   */
  static void gosched() {
    LockSupport.parkNanos(1);
  }
}
