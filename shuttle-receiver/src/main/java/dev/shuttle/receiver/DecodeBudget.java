package dev.shuttle.receiver;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A budget of bytes shared by every request being read and decoded, on any protocol: a request
 * reserves its estimated cost before it reads its body, grows the reservation while a body of
 * unknown size arrives, and releases it when it is done. A request that cannot get its bytes is
 * answered as overload (HTTP 503 with {@code Retry-After}, gRPC {@code UNAVAILABLE}), which OTLP
 * exporters retry.
 *
 * {@snippet :
 * DecodeBudget.Reservation reservation = budget.tryReserve(cost, Duration.ofSeconds(1));
 * if (reservation == null) {
 *   // answer 503 with Retry-After
 * } else {
 *   try (reservation) {
 *     // read, decode, store
 *   }
 * }
 * }
 *
 * <p>A cost above the whole budget can never be reserved ({@link #admits}); such a request is too
 * large for this receiver's memory and must be refused as such (HTTP 413), not as overload: a retry
 * would fail the same way.
 *
 * <p>Implementation note: {@code lock} guards {@code available} and the FIFO queue of waiting
 * reservations. A new reservation succeeds at once only if nobody waits and enough is available;
 * otherwise it queues, and only the head of the queue may take bytes, so a large request is not
 * starved by a stream of small ones. Every change that can let the head proceed ({@link
 * Reservation#close}, a waiter leaving) signals {@code changed}. {@link Reservation#tryGrow} never
 * waits and may take bytes ahead of the queue: the request already runs and its body is arriving.
 * Each reservation releases exactly what it holds, once; {@code available} therefore returns to
 * {@code capacity} when every reservation is closed.
 *
 * <p>Thread-safety: safe to use from any thread; a {@link Reservation} belongs to one request and
 * is used by one thread at a time.
 */
final class DecodeBudget {
  private final long capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  @GuardedBy("lock")
  private long available;

  @GuardedBy("lock")
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

  /** A place in the queue; compared by identity. */
  private static final class Waiter {}

  /**
   * Creates a budget.
   *
   * @param capacity the bytes all reservations may hold together, positive
   */
  DecodeBudget(long capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.capacity = capacity;
    this.available = capacity;
  }

  /** Returns the bytes all reservations may hold together. */
  long capacity() {
    return capacity;
  }

  /**
   * Returns whether a cost of {@code bytes} can ever be reserved: whether it is at most the
   * capacity.
   */
  boolean admits(long bytes) {
    return bytes <= capacity;
  }

  /** Returns the bytes not reserved now. */
  long available() {
    lock.lock();
    try {
      return available;
    } finally {
      lock.unlock();
    }
  }

  /** Returns how many reservations are waiting now. */
  int queued() {
    lock.lock();
    try {
      return waiters.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reserves {@code bytes}, waiting up to {@code wait} behind earlier reservations.
   *
   * @param bytes the estimated cost, not negative and {@linkplain #admits admitted}
   * @param wait how long to wait; zero to try once
   * @return the reservation, or null if the bytes did not become available in time
   * @throws InterruptedException if interrupted while waiting (nothing is then reserved)
   */
  @Nullable Reservation tryReserve(long bytes, Duration wait) throws InterruptedException {
    if (bytes < 0 || bytes > capacity) {
      throw new IllegalArgumentException(
          "bytes must be within [0, " + capacity + "] (see admits), was " + bytes);
    }
    long need = bytes;
    long remaining = wait.toNanos();
    lock.lock();
    try {
      if (waiters.isEmpty() && available >= need) {
        available -= need;
        return new Reservation(need);
      }
      if (remaining <= 0) {
        return null;
      }
      Waiter self = new Waiter();
      waiters.addLast(self);
      try {
        while (waiters.peekFirst() != self || available < need) {
          if (remaining <= 0) {
            return null;
          }
          remaining = changed.awaitNanos(remaining);
        }
        available -= need;
        return new Reservation(need);
      } finally {
        waiters.remove(self);
        changed.signalAll(); // the next waiter may now be at the head
      }
    } finally {
      lock.unlock();
    }
  }

  /** Bytes held by one request; {@link #close} gives them back. */
  final class Reservation implements AutoCloseable {
    private long held;

    private Reservation(long held) {
      this.held = held;
    }

    /** Returns the bytes this reservation holds. */
    long held() {
      return held;
    }

    /**
     * Takes {@code more} bytes without waiting.
     *
     * @param more the additional estimated cost, not negative
     * @return true if held; false if the budget has not enough available, or if the total would
     *     exceed the capacity (then {@link #admits} is false for the total)
     */
    boolean tryGrow(long more) {
      if (more < 0) {
        throw new IllegalArgumentException("more must not be negative, was " + more);
      }
      long delta = more;
      if (delta == 0) {
        return true;
      }
      if (held + delta > capacity) {
        return false;
      }
      lock.lock();
      try {
        if (available < delta) {
          return false;
        }
        available -= delta;
        held += delta;
        return true;
      } finally {
        lock.unlock();
      }
    }

    /** Releases everything this reservation holds; later calls do nothing. */
    @Override
    public void close() {
      if (held == 0) {
        return;
      }
      lock.lock();
      try {
        available += held;
        held = 0;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
