package dev.shuttle.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The registry's set of live goroutines: a fixed array of stripes, each a doubly-linked list
 * threaded through the {@link LiveGoroutine}s themselves, chosen by the goroutine's id.
 *
 * <p>Implementation note: a goroutine is added and removed once each, on its own thread, under its
 * stripe's lock; {@code prev} and {@code next} of a record are guarded by that lock. Adding costs
 * an uncontended lock and four pointer writes, with no allocation (a {@code ConcurrentHashMap}
 * allocated a node and a boxed key per goroutine, and resized its table as goroutines piled up).
 * Thread ids are handed out in sequence, so consecutive goroutines fall on different stripes and
 * goroutines starting on different carriers rarely meet on a lock. Readers (snapshots, the stall
 * detector, the leak checker) copy one stripe at a time under its lock: a goroutine that starts or
 * ends meanwhile may or may not be seen, as before. {@code size} counts additions minus removals
 * per stripe, under the same lock.
 */
final class LiveSet {
  private final Stripe[] stripes;
  private final int mask;

  LiveSet() {
    int wanted = Math.max(4, 4 * Runtime.getRuntime().availableProcessors());
    int count = Integer.highestOneBit(wanted - 1) << 1; // the next power of two
    stripes = new Stripe[count];
    for (int i = 0; i < count; i++) {
      stripes[i] = new Stripe();
    }
    mask = count - 1;
  }

  void add(LiveGoroutine g) {
    Stripe stripe = stripeOf(g.id);
    stripe.lock.lock();
    try {
      LiveGoroutine first = stripe.head;
      g.next = first;
      if (first != null) {
        first.prev = g;
      }
      stripe.head = g;
      stripe.size++;
    } finally {
      stripe.lock.unlock();
    }
  }

  /** Removes {@code g}, which {@link #add} added and nobody removed yet. */
  void remove(LiveGoroutine g) {
    Stripe stripe = stripeOf(g.id);
    stripe.lock.lock();
    try {
      LiveGoroutine before = g.prev;
      LiveGoroutine after = g.next;
      if (before == null) {
        stripe.head = after;
      } else {
        before.next = after;
      }
      if (after != null) {
        after.prev = before;
      }
      g.prev = null;
      g.next = null;
      stripe.size--;
    } finally {
      stripe.lock.unlock();
    }
  }

  /** The live goroutine {@code id}, or {@code null}. */
  @Nullable LiveGoroutine get(long id) {
    Stripe stripe = stripeOf(id);
    stripe.lock.lock();
    try {
      for (LiveGoroutine g = stripe.head; g != null; g = g.next) {
        if (g.id == id) {
          return g;
        }
      }
      return null;
    } finally {
      stripe.lock.unlock();
    }
  }

  int size() {
    int size = 0;
    for (Stripe stripe : stripes) {
      stripe.lock.lock();
      try {
        size += stripe.size;
      } finally {
        stripe.lock.unlock();
      }
    }
    return size;
  }

  boolean isEmpty() {
    for (Stripe stripe : stripes) {
      stripe.lock.lock();
      try {
        if (stripe.head != null) {
          return false;
        }
      } finally {
        stripe.lock.unlock();
      }
    }
    return true;
  }

  /** A copy of the live records, one stripe at a time. */
  List<LiveGoroutine> copy() {
    List<LiveGoroutine> copy = new ArrayList<>();
    for (Stripe stripe : stripes) {
      stripe.lock.lock();
      try {
        for (LiveGoroutine g = stripe.head; g != null; g = g.next) {
          copy.add(g);
        }
      } finally {
        stripe.lock.unlock();
      }
    }
    return copy;
  }

  private Stripe stripeOf(long id) {
    return stripes[(int) id & mask];
  }

  private static final class Stripe {
    final ReentrantLock lock = new ReentrantLock();
    @Nullable LiveGoroutine head;
    int size;
  }
}
