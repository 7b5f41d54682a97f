package dev.shuttle.demo;

/**
 * Ctrl-C (SIGINT) or SIGTERM while the demo's scenarios run: a shutdown hook that reports what ran
 * so far before the JVM ends, with the signal's exit status (130 for Ctrl-C, 143 for SIGTERM).
 *
 * <p>Unlike {@link GracefulStop}, which lets a long-running command finish its last work, the hook
 * does not wait for the scenario in progress: a scenario may run for seconds, and a user who
 * pressed Ctrl-C wants the prompt back.
 *
 * <p>Thread-safe: the hook runs on its own thread; the report it runs must be.
 */
final class InterruptReport implements AutoCloseable {
  private final Thread hook;

  private InterruptReport(Thread hook) {
    this.hook = hook;
  }

  /** Runs {@code report} if the JVM is stopped by a signal before {@link #close()}. */
  static InterruptReport install(Runnable report) {
    InterruptReport installed = new InterruptReport(new Thread(report, "shuttle-demo-interrupt"));
    Runtime.getRuntime().addShutdownHook(installed.hook);
    return installed;
  }

  /** Removes the hook, unless the JVM is already shutting down (the hook then runs). */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // a signal arrived as the run ended: the report says so, or nothing if the run finished
    }
  }
}
