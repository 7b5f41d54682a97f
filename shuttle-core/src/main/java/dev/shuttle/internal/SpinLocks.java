package dev.shuttle.internal;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Takes a {@link ReentrantLock} after trying it a few times. A contended {@code lock()} parks,
 * which unmounts a virtual thread from its carrier and costs microseconds; when the lock guards
 * only short critical sections that never block (a channel's, a pool's queue), a held lock belongs
 * to a thread running on another carrier, which lets go within tens of nanoseconds, and a few tries
 * usually win it without parking. No tries on one CPU, where the holder cannot run while we try.
 */
public final class SpinLocks {
  /** Tries of a contended lock before parking on it. */
  private static final int TRIES = Runtime.getRuntime().availableProcessors() == 1 ? 0 : 64;

  private SpinLocks() {}

  /** Takes {@code lock}, trying it first. */
  public static void lock(ReentrantLock lock) {
    for (int i = 0; i < TRIES; i++) {
      if (lock.tryLock()) {
        return;
      }
      Thread.onSpinWait();
    }
    lock.lock();
  }

  /** Takes {@code lock} interruptibly, trying it first (a try does not look at the interrupt). */
  public static void lockInterruptibly(ReentrantLock lock) throws InterruptedException {
    for (int i = 0; i < TRIES; i++) {
      if (lock.tryLock()) {
        return;
      }
      Thread.onSpinWait();
    }
    lock.lockInterruptibly();
  }
}
