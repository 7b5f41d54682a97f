package dev.shuttle.channel;

import dev.shuttle.context.Cancellation;
import dev.shuttle.context.Stoppable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One blocked operation — a send, a receive or a whole {@code select} — parked on one thread.
 *
 * <p>Implementation note: {@code state} starts at {@link #WAITING} and changes exactly once, by a
 * CAS: to a case index ({@code >= 0}) when a counterpart (a sender, a receiver, {@code close}, a
 * done context of a {@code select} case) <em>claims</em> it, or to {@link #CANCELLED} when the
 * operation gives up (interrupt, its context done). The CAS is the linearisation point of the
 * blocked operation and the reason a {@code select} registered on several channels completes at
 * most one case. A claimer writes its data into the waiter's {@link Node} before the CAS; the
 * waiter reads it after seeing the new state (volatile write/read: happens-before). Every claimer
 * is an operation that is not itself registered anywhere at that moment (a fast path, a {@code
 * select}'s first pass, {@code close}, a context callback), or the waiter's own thread while it
 * queues (a buffered channel's ring became ready meanwhile, see {@link Channel#enqueueLocked}), so
 * a claim is always a single CAS and never needs to be undone.
 *
 * <p>Before parking, a waiter may {@linkplain #spin spin} briefly (at most {@link #SPINS} rounds of
 * {@link Thread#onSpinWait}; how many, the channel decides): on a rendezvous channel the
 * counterpart is often already on its way, and meeting it without a park and an unpark saves the
 * two hops through the carrier pool that dominate a hand-off between virtual threads. Claimers
 * {@linkplain #wake() wake} after releasing the channel's lock, so a woken thread never finds the
 * lock still held.
 */
final class Waiter implements Runnable {
  static final int WAITING = -1;
  static final int CANCELLED = -2;

  /**
   * Rounds a waiter that is told to spin checks its state before it parks: 0 on one CPU, where the
   * counterpart cannot run while we spin; 128 on up to four CPUs, 1,024 above (Jox's figures; on
   * this 2-CPU machine 128 gave select over two rendezvous channels 517 ns against 755 with none
   * and 1,947 with 512, while the rendezvous producer/consumer forks were too noisy to rank).
   */
  static final int SPINS;

  static {
    int cpus = Runtime.getRuntime().availableProcessors();
    SPINS = cpus == 1 ? 0 : cpus <= 4 ? 1 << 7 : 1 << 10;
  }

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Thread thread = Thread.currentThread();

  @SuppressWarnings("FieldMayBeFinal") // written through STATE
  private volatile int state = WAITING;

  int state() {
    return state;
  }

  /** Completes the waiter with {@code caseIndex}; {@code false} if it is already complete. */
  boolean tryClaim(int caseIndex) {
    return STATE.compareAndSet(this, WAITING, caseIndex);
  }

  /** Gives up waiting; {@code false} if a counterpart claimed the waiter first. */
  boolean tryCancel() {
    return STATE.compareAndSet(this, WAITING, CANCELLED);
  }

  void wake() {
    if (thread != Thread.currentThread()) { // a waiter claimed while it queued wakes no one
      LockSupport.unpark(thread);
    }
  }

  /** Claims with {@code caseIndex} and wakes the owner; for context callbacks. */
  void claimAndWake(int caseIndex) {
    if (tryClaim(caseIndex)) {
      wake();
    }
  }

  /**
   * Spins up to {@code rounds} rounds, waiting for a counterpart to claim the waiter.
   *
   * @return whether it was claimed meanwhile
   */
  boolean spin(int rounds) {
    for (int i = 0; i < rounds; i++) {
      if (state != WAITING) {
        return true;
      }
      Thread.onSpinWait();
    }
    return state != WAITING;
  }

  /**
   * The done callback of the waiter's context: cancels the wait (the waiter is its own callback).
   */
  @Override
  public void run() {
    claimAndWake(CANCELLED);
  }

  /**
   * Parks the owner until the waiter is claimed or cancelled (by {@code cancellation} or an
   * interrupt). An interrupt that arrives once {@code cancellation} is done counts as the
   * cancellation (Shuttle interrupts the threads of cancelled tasks): the result is {@link
   * #CANCELLED}, with the interrupt flag kept set.
   *
   * @return the final state: a case index, or {@link #CANCELLED}
   * @throws InterruptedException if interrupted before any claim while {@code cancellation} is not
   *     done; the waiter is then cancelled
   */
  int await(Cancellation cancellation) throws InterruptedException {
    int claimed = state;
    if (claimed != WAITING) {
      return claimed; // met while spinning: no callback to register
    }
    Stoppable registration = cancellation.onDone(this);
    try {
      while (true) {
        int s = state;
        if (s != WAITING) {
          return s;
        }
        LockSupport.park(this);
        if (Thread.interrupted()) {
          if (!tryCancel()) {
            Thread.currentThread().interrupt(); // claimed first: completed, keep the interrupt
            return state;
          }
          if (cancellation.isDone()) { // likely the cancellation's own interrupt: report it as such
            Thread.currentThread().interrupt();
            return CANCELLED;
          }
          throw new InterruptedException();
        }
      }
    } finally {
      registration.stop();
    }
  }
}
