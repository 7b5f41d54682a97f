package dev.shuttle.otel;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A JVM shutdown hook that can be removed again; removal after the JVM began shutting down is a
 * no-op.
 *
 * <p>Thread-safety: {@link #install} and {@link #remove} may be called from any thread; the
 * installed flag is atomic.
 */
final class ShutdownHook {
  private final Thread thread;
  private final AtomicBoolean installed = new AtomicBoolean();

  ShutdownHook(String name, Runnable action) {
    this.thread = new Thread(action, name);
  }

  void install() {
    if (installed.compareAndSet(false, true)) {
      Runtime.getRuntime().addShutdownHook(thread);
    }
  }

  /** Removes the hook; returns true if it was installed and is now removed. */
  boolean remove() {
    if (!installed.compareAndSet(true, false)) {
      return false;
    }
    try {
      return Runtime.getRuntime().removeShutdownHook(thread);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already shutting down: the hook runs (or ran) anyway.
      return false;
    }
  }

  boolean isInstalled() {
    return installed.get();
  }
}
