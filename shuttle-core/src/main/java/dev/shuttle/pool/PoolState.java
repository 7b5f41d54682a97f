package dev.shuttle.pool;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The life-cycle state every pool shares, and the wait for its termination: RUNNING, STOPPING
 * ({@link Pool#stop}), STOPPED_NOW ({@link Pool#stopNow}), TERMINATED. The state only moves forward
 * (STOPPING may be skipped).
 *
 * <p>Implementation note: the state is written only under the owning pool's lock, which this class
 * is given, so each pool decides a move together with the rest of its state; it is volatile so that
 * a pool's threads may read it without the lock. {@code terminated} is a condition of that lock,
 * signalled (under it) on the move to TERMINATED; {@link #awaitTerminated} waits on it, so a waiter
 * cannot miss the move: it reads the state under the same lock.
 */
final class PoolState {
  static final int RUNNING = 0;
  static final int STOPPING = 1;
  static final int STOPPED_NOW = 2;
  static final int TERMINATED = 3;

  private final ReentrantLock lock;
  private final Condition terminated;

  // written under lock; read without it
  private volatile int state = RUNNING;

  PoolState(ReentrantLock lock) {
    this.lock = lock;
    this.terminated = lock.newCondition();
  }

  /** Returns the state now. */
  int get() {
    return state;
  }

  /** Moves to {@code next}, a later state; the caller holds the pool's lock. */
  void moveTo(int next) {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalMonitorStateException("the pool's state moves under its lock");
    }
    if (next <= state) {
      return;
    }
    state = next;
    if (next == TERMINATED) {
      terminated.signalAll();
    }
  }

  /**
   * Waits until TERMINATED, or until {@code System.nanoTime()} passes {@code deadlineNanos} unless
   * {@code timed} is false.
   *
   * @return {@code true} if terminated, {@code false} if the deadline passed first
   */
  boolean awaitTerminated(boolean timed, long deadlineNanos) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (state != TERMINATED) {
        if (!timed) {
          terminated.await();
          continue;
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
          return false;
        }
        terminated.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the state in words, for {@code toString}. */
  String describe() {
    return switch (state) {
      case RUNNING -> "running";
      case STOPPING -> "stopping";
      case STOPPED_NOW -> "stopped";
      default -> "terminated";
    };
  }
}
