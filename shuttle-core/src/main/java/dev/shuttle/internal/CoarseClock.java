package dev.shuttle.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A {@link System#nanoTime()} that is read once per tick (10 ms) by a daemon thread instead of on
 * every block: a clock read costs about as much as the rest of recording a block, on the hot path
 * of every channel hand-off. The goroutine registry stamps blocks and starts with it, so "blocked
 * for" is right to about a tick. The ticker runs only while {@code busy} (some goroutine is live)
 * and parks otherwise, so an idle application has no timer waking up.
 *
 * <p>Implementation note: {@code now} is volatile, written only by the ticker (and by {@link #wake}
 * before it restarts the ticker, so the first reading after an idle spell is fresh). {@code
 * ticking} is true while the ticker ticks; it goes false only on the ticker, which then re-checks
 * {@code busy} and takes it back, so a goroutine registered meanwhile (which saw {@code ticking}
 * still true and did not wake it) is never left with a stopped clock.
 */
final class CoarseClock {
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final AtomicBoolean ticking = new AtomicBoolean(true);
  private final BooleanSupplier busy;
  private final Thread ticker;
  private volatile long now = System.nanoTime();

  /** Starts the ticker; it stops ticking at once if nothing is {@code busy}. */
  CoarseClock(BooleanSupplier busy) {
    this.busy = busy;
    this.ticker = Thread.ofPlatform().name("shuttle-goroutine-clock").daemon().start(this::run);
  }

  /** The time of the last tick, in {@link System#nanoTime()}'s scale. */
  long now() {
    return now;
  }

  /** Makes sure the clock ticks; cheap (one volatile read) when it already does. */
  void wake() {
    if (!ticking.get() && ticking.compareAndSet(false, true)) {
      now = System.nanoTime();
      LockSupport.unpark(ticker);
    }
  }

  private void run() {
    while (true) {
      now = System.nanoTime();
      if (busy.getAsBoolean()) {
        LockSupport.parkNanos(this, TICK_NANOS);
        continue;
      }
      ticking.set(false);
      if (busy.getAsBoolean() && ticking.compareAndSet(false, true)) {
        continue; // registered meanwhile, and saw the clock still ticking
      }
      LockSupport.park(this); // until wake(); a spurious return just ticks once more
    }
  }
}
