package dev.shuttle.demo;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a request to stop cleanly: a shutdown hook that tells the command
 * to stop, waits until the command has finished its last work (answering requests in flight,
 * writing its summary and dump), and then ends the JVM with exit code 0, since a signal is how a
 * long-running command is meant to be stopped.
 *
 * <p>Without it the JVM would end as soon as the hooks return, cutting the command's last work
 * short (the dump never written, the summary cut mid-line), and exit with 130 or 143.
 *
 * <p>Implementation note: two latches. {@code requested} is counted down by the hook (or by {@link
 * #close()}); {@code finished} by the command once its output is flushed. The hook waits on {@code
 * finished} for at most {@code finishLimit}, then halts the JVM with 0 if the command finished, or
 * returns (the JVM then exits with the signal's status) if it did not. Thread-safe.
 */
final class GracefulStop implements AutoCloseable {
  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;

  private GracefulStop(String name, Duration finishLimit) {
    this.hook = new Thread(() -> onSignal(finishLimit), name);
  }

  /** Installs the hook; {@code finishLimit} bounds how long a signal waits for the last work. */
  static GracefulStop install(String name, Duration finishLimit) {
    GracefulStop stop = new GracefulStop(name, finishLimit);
    Runtime.getRuntime().addShutdownHook(stop.hook);
    return stop;
  }

  private void onSignal(Duration finishLimit) {
    requested.countDown();
    try {
      if (finished.await(finishLimit.toMillis(), TimeUnit.MILLISECONDS)) {
        Runtime.getRuntime().halt(0); // the command finished its work: a clean stop
      }
      System.err.println("stopped before the last work was done (waited " + finishLimit + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until a signal asks to stop, or {@code limit} has passed ({@code null}: no limit).
   *
   * @return {@code true} if a signal asked to stop
   */
  boolean await(@Nullable Duration limit) throws InterruptedException {
    if (limit == null) {
      requested.await();
      return true;
    }
    return requested.await(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Says the command's last work is done: a signal waiting for it may now end the JVM. */
  void finished() {
    finished.countDown();
  }

  /** Removes the hook unless a signal is being handled; in any case says the work is done. */
  @Override
  public void close() {
    finished();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // a signal is being handled: the hook runs, and ends the JVM now that the work is done
    }
  }
}
