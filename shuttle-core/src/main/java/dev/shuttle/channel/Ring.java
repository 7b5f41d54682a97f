package dev.shuttle.channel;

import io.opentelemetry.context.Context;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * The buffer of a buffered {@link Channel}: a bounded ring that senders and receivers use without
 * the channel's lock while nobody waits, and that the lock holder uses to serve those who do.
 *
 * <p>Implementation note: a multi-producer, multi-consumer array queue in the style of Dmitry
 * Vyukov's bounded queue. Two words, {@code head} and {@code tail}, hold a position (shifted left
 * by {@link #SHIFT}) and flags; each slot has a sequence number that says whose turn it is: {@code
 * p} while it is free for the send at position {@code p}, {@code p + 1} once that send has written
 * it, {@code p + slots} once the receive of {@code p} has emptied it (hence at least two slots; a
 * power of two of at least {@code capacity}, which the positions bound). A send linearises at the
 * CAS that moves {@code tail}, a receive at the CAS that moves {@code head}; a receive that finds a
 * slot reserved but not yet written (and a send that finds its slot not yet emptied) spins the few
 * instructions until it is.
 *
 * <p>The flags hand the ring to the lock: {@link #RECEIVERS_WAIT} in {@code head} while receivers
 * are queued on the channel, {@link #SENDERS_WAIT} in {@code tail} while senders are, and {@link
 * #CLOSED_BIT} in {@code tail} once the channel is closed. A lock-free operation's CAS compares the
 * whole word, so it fails once a flag is set; from then on only the lock holder moves that end of
 * the ring, which lets it claim a waiter first and then take or fill the slot it has checked. The
 * flags only change under the channel's lock.
 *
 * <p>No wake-up is lost, Dekker style: a waiter sets its flag (a volatile read-modify-write) before
 * it looks at the ring a last time; a lock-free send publishes its slot (a volatile write) before
 * it reads {@link #RECEIVERS_WAIT}, and a lock-free receive empties its slot before it reads {@link
 * #SENDERS_WAIT}. Either the waiter sees the slot, or the other side sees the flag and serves the
 * waiter under the lock.
 */
final class Ring {
  /** Results of {@link #reserve} and {@link #claim}; positions are never negative. */
  static final long FULL = -1;

  static final long EMPTY = -2;
  static final long CLOSED = -3;

  /** A lock-free attempt found a flag set: the caller must take the lock. */
  static final long LOCKED = -4;

  private static final long RECEIVERS_WAIT = 1; // in head
  private static final long SENDERS_WAIT = 1; // in tail
  private static final long CLOSED_BIT = 2; // in tail
  private static final int SHIFT = 2;
  private static final long ONE = 1L << SHIFT;

  /** The largest capacity: the slots are the next power of two, an array of at most 2^30. */
  static final int MAX_CAPACITY = 1 << 30;

  private static final VarHandle HEAD;
  private static final VarHandle TAIL;
  private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HEAD = lookup.findVarHandle(Ring.class, "head", long.class);
      TAIL = lookup.findVarHandle(Ring.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int capacity;
  private final int mask;
  private final long[] sequences;
  private final @Nullable Object[] items;
  private final @Nullable Context[] contexts; // empty when the channel carries no contexts

  @SuppressWarnings("unused") // through HEAD
  private volatile long head;

  @SuppressWarnings("unused") // through TAIL
  private volatile long tail;

  Ring(int capacity, boolean carriesContext) {
    checkCapacity(capacity);
    // A power of two, and at least two: with one slot, "written for p" (p + 1) and "free for
    // p + 1" (p + slots) would be the same sequence number.
    int slots = Math.max(2, Integer.highestOneBit(capacity));
    if (slots < capacity) {
      slots <<= 1;
    }
    this.capacity = capacity;
    this.mask = slots - 1;
    this.sequences = new long[slots];
    for (int i = 0; i < slots; i++) {
      sequences[i] = i;
    }
    this.items = new Object[slots];
    this.contexts = new Context[carriesContext ? slots : 0];
  }

  /** Returns a buffered channel's {@code capacity} if a ring can hold it. */
  static int checkCapacity(int capacity) {
    if (capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException(
          "capacity must be at most " + MAX_CAPACITY + ", but was " + capacity);
    }
    return capacity;
  }

  // ------------------------------------------------------------------- sending

  /**
   * Reserves the next slot for a send; {@link #publish} must follow.
   *
   * @param locked whether the caller holds the channel's lock (and has checked it is open): then
   *     the waiting flags do not stop it
   * @return the position, or {@link #FULL}, {@link #CLOSED}, or {@link #LOCKED} when a waiter's
   *     flag stops a lock-free send
   */
  long reserve(boolean locked) {
    while (true) {
      long tw = (long) TAIL.getVolatile(this);
      if ((tw & CLOSED_BIT) != 0) {
        return CLOSED;
      }
      long hw = (long) HEAD.getVolatile(this);
      if (!locked && (((tw & SENDERS_WAIT) | (hw & RECEIVERS_WAIT)) != 0)) {
        return LOCKED;
      }
      long t = tw >>> SHIFT;
      if (t - (hw >>> SHIFT) >= capacity) {
        return FULL; // full when tail was read: head has only grown since
      }
      if (TAIL.compareAndSet(this, tw, tw + ONE)) {
        return t;
      }
    }
  }

  /**
   * Writes {@code item} into the slot reserved at position {@code t} and publishes it.
   *
   * @return whether receivers are waiting: the caller must then serve them under the lock
   */
  boolean publish(long t, Object item, @Nullable Context context) {
    int i = (int) t & mask;
    while ((long) SEQUENCE.getVolatile(sequences, i) != t) {
      Thread.onSpinWait(); // the receive of t - slots is still emptying the slot
    }
    items[i] = item;
    if (context != null) { // a free slot's context is null
      contexts[i] = context;
    }
    SEQUENCE.setVolatile(sequences, i, t + 1);
    return ((long) HEAD.getVolatile(this) & RECEIVERS_WAIT) != 0;
  }

  // ----------------------------------------------------------------- receiving

  /**
   * Claims the oldest value for a receive; read it with {@link #item}/{@link #context}, then {@link
   * #release} the slot.
   *
   * @param locked whether the caller holds the channel's lock: then the waiting flags do not stop
   *     it
   * @return the position, or {@link #EMPTY}, {@link #CLOSED} (closed and empty), or {@link #LOCKED}
   *     when a lock-free receive meets a waiter's flag (including senders waiting on an empty ring:
   *     the lock holder moves them in first)
   */
  long claim(boolean locked) {
    while (true) {
      long hw = (long) HEAD.getVolatile(this);
      if (!locked && (hw & RECEIVERS_WAIT) != 0) {
        return LOCKED;
      }
      long h = hw >>> SHIFT;
      int i = (int) h & mask;
      if ((long) SEQUENCE.getVolatile(sequences, i) == h + 1) {
        if (HEAD.compareAndSet(this, hw, hw + ONE)) {
          return h;
        }
        continue;
      }
      long tw = (long) TAIL.getVolatile(this);
      if (tw >>> SHIFT == h) { // empty when tail was read (if head moved on, tail > h)
        if ((tw & CLOSED_BIT) != 0) {
          return CLOSED;
        }
        return !locked && (tw & SENDERS_WAIT) != 0 ? LOCKED : EMPTY;
      }
      Thread.onSpinWait(); // a send has reserved h and is writing it, or head moved on: re-read
    }
  }

  @Nullable Object item(long h) {
    return items[(int) h & mask];
  }

  @Nullable Context context(long h) {
    return contexts.length == 0 ? null : contexts[(int) h & mask];
  }

  /**
   * Empties the slot of a claimed position for the send {@code slots} positions later.
   *
   * @return whether senders are waiting: the caller must then move them in under the lock
   */
  boolean release(long h) {
    int i = (int) h & mask;
    items[i] = null;
    if (contexts.length != 0 && contexts[i] != null) { // skip the store (a GC barrier) if null
      contexts[i] = null;
    }
    SEQUENCE.setVolatile(sequences, i, h + mask + 1);
    return ((long) TAIL.getVolatile(this) & SENDERS_WAIT) != 0;
  }

  // ---------------------------------------------------- the lock holder's moves

  /**
   * With receivers waiting (so only the lock holder moves {@code head}): the oldest position once
   * its value is written, or {@link #EMPTY}. Take it with {@link #advanceHead}.
   */
  long peekLocked() {
    long h = (long) HEAD.getVolatile(this) >>> SHIFT;
    int i = (int) h & mask;
    while ((long) SEQUENCE.getVolatile(sequences, i) != h + 1) {
      if ((long) TAIL.getVolatile(this) >>> SHIFT == h) {
        return EMPTY;
      }
      Thread.onSpinWait(); // reserved, still being written
    }
    return h;
  }

  /** Takes the position {@link #peekLocked} returned; {@link #release} it after reading. */
  void advanceHead() {
    HEAD.getAndAdd(this, ONE);
  }

  /**
   * With senders waiting (so only the lock holder moves {@code tail}): the next free position, or
   * {@link #FULL}. Fill it with {@link #fill}.
   */
  long freeLocked() {
    long t = (long) TAIL.getVolatile(this) >>> SHIFT;
    return t - ((long) HEAD.getVolatile(this) >>> SHIFT) >= capacity ? FULL : t;
  }

  /** Fills the position {@link #freeLocked} returned. */
  void fill(long t, Object item, @Nullable Context context) {
    TAIL.getAndAdd(this, ONE);
    publish(t, item, context);
  }

  // --------------------------------------------------------------------- flags

  /** Sets or clears {@link #RECEIVERS_WAIT}; under the channel's lock. */
  void receiversWait(boolean waiting) {
    if (waiting) {
      HEAD.getAndBitwiseOr(this, RECEIVERS_WAIT);
    } else {
      HEAD.getAndBitwiseAnd(this, ~RECEIVERS_WAIT);
    }
  }

  /** Sets or clears {@link #SENDERS_WAIT}; under the channel's lock. */
  void sendersWait(boolean waiting) {
    if (waiting) {
      TAIL.getAndBitwiseOr(this, SENDERS_WAIT);
    } else {
      TAIL.getAndBitwiseAnd(this, ~SENDERS_WAIT);
    }
  }

  /** Stops every later send; under the channel's lock. Sends that reserved a slot still land. */
  void close() {
    TAIL.getAndBitwiseOr(this, CLOSED_BIT);
  }

  /** Whether a waiting flag is set (then a lock holder may be between a claim and its move). */
  boolean anyoneWaits() {
    return (((long) HEAD.getVolatile(this) & RECEIVERS_WAIT)
            | ((long) TAIL.getVolatile(this) & SENDERS_WAIT))
        != 0;
  }

  boolean isClosed() {
    return ((long) TAIL.getVolatile(this) & CLOSED_BIT) != 0;
  }

  /** Whether closed and every value taken; linearises at its read of {@code head}. */
  boolean isClosedAndEmpty() {
    long tw = (long) TAIL.getVolatile(this);
    return (tw & CLOSED_BIT) != 0 && (long) HEAD.getVolatile(this) >>> SHIFT == tw >>> SHIFT;
  }

  /** The values in the ring (reserved ones included); exact at one instant. */
  int size() {
    while (true) {
      long h = (long) HEAD.getVolatile(this) >>> SHIFT;
      long t = (long) TAIL.getVolatile(this) >>> SHIFT;
      if ((long) HEAD.getVolatile(this) >>> SHIFT == h) {
        return (int) (t - h); // head did not move while tail was read: exact then
      }
    }
  }
}
