package dev.shuttle.sync;

import dev.shuttle.inspect.BlockedOn;
import dev.shuttle.internal.BlockSite;
import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.LiveGoroutine;
import dev.shuttle.internal.Rethrow;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The state behind {@link Once}: a body, run once, and its outcome.
 *
 * <p>Implementation note: {@code done} is volatile and written after {@code value}/{@code failure},
 * so a caller that reads {@code done == true} sees the outcome without locking (the fast path).
 * Otherwise it takes {@code lock} (a {@link ReentrantLock}, so waiting virtual threads do not pin
 * their carrier), re-checks, and runs the body while holding it; concurrent callers wait on the
 * lock. A hold count above one means the body called its own function. The body is dropped after it
 * ran, so whatever it captured can be collected, as Go does.
 *
 * @param <T> the value's type
 */
final class OnceCell<T> {
  private static final BlockSite WAITING = target -> new BlockedOn.OnceWait();

  private final ReentrantLock lock = new ReentrantLock();
  private @Nullable Callable<T> body;
  private @Nullable T value;
  private @Nullable Throwable failure;
  private volatile boolean done;

  OnceCell(Callable<T> body) {
    this.body = body;
  }

  /**
   * Returns the value, or throws the body's failure itself: the same instance on every call, never
   * wrapped, whatever its type (a checked exception from a Runnable or Supplier body that threw it
   * sneakily, as Kotlin lambdas do, or a raw Throwable), as Go re-panics with the same value.
   */
  @SuppressWarnings("NullAway") // value is the body's result: null only where T admits null
  T get() {
    if (!done) {
      runOnce();
    }
    Throwable thrown = failure;
    if (thrown == null) {
      return value;
    }
    throw Rethrow.unchecked(thrown);
  }

  private void runOnce() {
    if (!lock.tryLock()) { // another goroutine runs the body: wait for it
      LiveGoroutine blocked = GoroutineRegistry.block(this, WAITING);
      try {
        lock.lock();
      } finally {
        GoroutineRegistry.unblock(blocked);
      }
    }
    try {
      if (lock.getHoldCount() > 1) {
        throw new IllegalStateException(
            "Once function called from inside its own body: it would never finish");
      }
      if (done) {
        return;
      }
      Callable<T> toRun = body;
      body = null;
      try {
        value = toRun == null ? null : toRun.call();
      } catch (Throwable t) {
        failure = t;
      }
      done = true;
    } finally {
      lock.unlock();
    }
  }
}
