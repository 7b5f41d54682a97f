package dev.shuttle.context;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.inspect.BlockedOn;
import dev.shuttle.internal.BlockSite;
import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.LiveGoroutine;
import io.opentelemetry.context.ContextKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One node of the cancellation tree: the state that {@link Contexts} stores in an OpenTelemetry
 * context.
 *
 * <p>Implementation note (concurrency):
 *
 * <ul>
 *   <li>Invariants: {@code err} goes from {@code null} to non-null exactly once, and {@code cause}
 *       is written before it, so a reader that sees {@code err} (volatile) also sees {@code cause}.
 *       Once {@code err} is set, the listener list is empty forever and {@code timer} is cancelled.
 *       {@code done} is counted down exactly once, after {@code err} is set.
 *   <li>Linearisation point of {@link #cancel}: the write of {@code err} under {@code lock}; the
 *       first caller to get there wins, later calls return {@code false} and change nothing (Go's
 *       "first cancel wins").
 *   <li>Listeners (children, {@code afterFunc}s, blocked Shuttle calls) are registered and removed
 *       under {@code lock}, in an intrusive doubly-linked list: O(1) to add and remove, no hashing,
 *       no table to grow and no entry object besides the listener (a million goroutines blocked
 *       under one context register two million). {@link #cancel} detaches the whole list under the
 *       lock and runs it outside, in registration order, so a listener never runs twice and never
 *       runs while the lock is held; once {@code err} is set nothing links or unlinks a node again,
 *       so the detached list is stable while it runs. A listener that arrives after cancellation
 *       runs at once on the registering thread.
 *   <li>A child registers a listener on its parent; when the child is cancelled first it removes
 *       that listener, so a long-lived parent does not accumulate its finished children.
 *   <li>Waiters park in {@link CountDownLatch#await} (virtual-thread friendly); no {@code
 *       synchronized}.
 * </ul>
 */
final class CancelState implements Cancellation {
  static final ContextKey<CancelState> KEY = ContextKey.named("dev.shuttle.cancellation");

  /** The state of a context that can never be cancelled: Go's {@code context.Background()}. */
  static final CancelState BACKGROUND = new CancelState(null);

  /** Largest delay handed to the timer; a later deadline is treated as "never fires". */
  private static final Duration MAX_TIMER_DELAY = Duration.ofDays(365L * 100);

  private final @Nullable Instant deadline;
  private final ReentrantLock lock = new ReentrantLock();
  private static final BlockSite WAITING = target -> new BlockedOn.ContextDone();

  private final CountDownLatch done = new CountDownLatch(1);

  // the registered listeners, oldest first; empty once done
  @GuardedBy("lock")
  private @Nullable Listener head;

  @GuardedBy("lock")
  private @Nullable Listener tail;

  @GuardedBy("lock")
  private int listenerCount;

  @GuardedBy("lock")
  private @Nullable ScheduledFuture<?> timer;

  @GuardedBy("lock")
  private @Nullable Stoppable parentRegistration;

  private volatile @Nullable Throwable cause;
  private volatile @Nullable ContextError err;

  CancelState(@Nullable Instant deadline) {
    this.deadline = deadline;
  }

  /** Returns the state stored in {@code context}, or {@link #BACKGROUND} if there is none. */
  static CancelState of(io.opentelemetry.context.Context context) {
    CancelState state = context.get(KEY);
    return state == null ? BACKGROUND : state;
  }

  /** Makes this state a child of {@code parent}: cancelled with the parent's error and cause. */
  void attachTo(CancelState parent) {
    if (parent == BACKGROUND) {
      return;
    }
    Stoppable registration =
        parent.onDone(() -> cancel(requireDone(parent.err), requireDone(parent.cause)));
    lock.lock();
    try {
      if (err == null) {
        parentRegistration = registration;
        return;
      }
    } finally {
      lock.unlock();
    }
    registration.stop(); // cancelled meanwhile (perhaps by the parent): nothing to keep
  }

  /** Arms the deadline timer; when it fires the state is cancelled with {@code timeoutCause}. */
  void startTimer(Duration delay, @Nullable Throwable timeoutCause) {
    if (delay.isNegative() || delay.isZero()) {
      cancel(ContextError.DEADLINE_EXCEEDED, timeoutCause);
      return;
    }
    if (delay.compareTo(MAX_TIMER_DELAY) > 0) {
      return;
    }
    lock.lock();
    try {
      if (err == null) {
        timer =
            DeadlineTimer.schedule(
                delay, () -> cancel(ContextError.DEADLINE_EXCEEDED, timeoutCause));
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Cancels this state and every descendant.
   *
   * @param error why
   * @param givenCause the cause, or {@code null} for a {@link ContextDoneException} created here
   * @return {@code true} if this call cancelled it, {@code false} if it was already done
   */
  boolean cancel(ContextError error, @Nullable Throwable givenCause) {
    if (this == BACKGROUND) {
      throw new IllegalStateException("the background cancellation cannot be cancelled");
    }
    @Nullable Listener toRun;
    @Nullable ScheduledFuture<?> timerToStop;
    @Nullable Stoppable fromParent;
    lock.lock();
    try {
      if (err != null) {
        return false;
      }
      cause = givenCause != null ? givenCause : new ContextDoneException(error, null);
      err = error;
      toRun = head;
      head = null;
      tail = null;
      listenerCount = 0;
      timerToStop = timer;
      timer = null;
      fromParent = parentRegistration;
      parentRegistration = null;
    } finally {
      lock.unlock();
    }
    done.countDown();
    if (timerToStop != null) {
      timerToStop.cancel(false);
    }
    if (fromParent != null) {
      fromParent.stop();
    }
    for (Listener listener = toRun; listener != null; listener = listener.nextToRun()) {
      listener.fire();
    }
    return true;
  }

  @Override
  public Stoppable onDone(Runnable callback) {
    if (this == BACKGROUND) {
      AtomicBoolean stopped = new AtomicBoolean();
      return () -> stopped.compareAndSet(false, true);
    }
    Listener listener = new Listener(callback);
    lock.lock();
    try {
      if (err == null) {
        linkLocked(listener);
        return listener;
      }
    } finally {
      lock.unlock();
    }
    listener.fire();
    return listener;
  }

  @GuardedBy("lock")
  private void linkLocked(Listener listener) {
    listener.prev = tail;
    if (tail == null) {
      head = listener;
    } else {
      tail.next = listener;
    }
    tail = listener;
    listener.linked = true;
    listenerCount++;
  }

  private boolean remove(Listener listener) {
    lock.lock();
    try {
      if (err != null || !listener.linked) {
        return false; // fired, or firing: cancel detached the list
      }
      Listener before = listener.prev;
      Listener after = listener.next;
      if (before == null) {
        head = after;
      } else {
        before.next = after;
      }
      if (after == null) {
        tail = before;
      } else {
        after.prev = before;
      }
      listener.prev = null;
      listener.next = null;
      listener.linked = false;
      listenerCount--;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Number of registered listeners; for tests that check children are released. */
  int listenerCount() {
    lock.lock();
    try {
      return listenerCount;
    } finally {
      lock.unlock();
    }
  }

  /** Returns whether a deadline timer is armed; for tests that check timers are released. */
  boolean hasTimer() {
    lock.lock();
    try {
      return timer != null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isDone() {
    return err != null;
  }

  @Override
  public @Nullable ContextError err() {
    return err;
  }

  @Override
  public @Nullable Throwable cause() {
    return err == null ? null : cause;
  }

  @Override
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  @Override
  public void await() throws InterruptedException {
    LiveGoroutine blocked = GoroutineRegistry.block(this, WAITING);
    try {
      done.await(); // for BACKGROUND: blocks until interrupted, as Go's nil Done channel
    } catch (InterruptedException e) {
      if (!isDone()) {
        throw e;
      }
      Thread.currentThread().interrupt(); // done and interrupted at once: done wins, flag kept
    } finally {
      GoroutineRegistry.unblock(blocked);
    }
  }

  @Override
  public boolean await(Duration timeout) throws InterruptedException {
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException beyondLong) { // over 292 years: as good as forever
      nanos = timeout.isNegative() ? 0 : Long.MAX_VALUE;
    }
    LiveGoroutine blocked = GoroutineRegistry.block(this, WAITING);
    try {
      return done.await(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      if (!isDone()) {
        throw e;
      }
      Thread.currentThread().interrupt(); // done and interrupted at once: done wins, flag kept
      return true;
    } finally {
      GoroutineRegistry.unblock(blocked);
    }
  }

  @Override
  public void throwIfDone() {
    ContextError error = err;
    if (error != null) {
      throw new ContextDoneException(error, cause);
    }
  }

  private static <T> T requireDone(@Nullable T value) {
    if (value == null) {
      throw new IllegalStateException("parent listener ran before the parent was done");
    }
    return value;
  }

  @Override
  public String toString() {
    ContextError error = err;
    return "Cancellation{"
        + (error == null ? "active" : error.message())
        + (deadline == null ? "" : ", deadline=" + deadline)
        + "}";
  }

  /**
   * A registered callback and its links in the list. It fires at most once: either {@link #cancel}
   * detached it from the list under the lock, or it was never linked because the state was done.
   */
  private final class Listener implements Stoppable {
    private final Runnable callback;

    // The links, read and written only under the owning state's lock (which Error Prone cannot
    // name from here), except nextToRun after cancel detached the list.
    @Nullable Listener prev;
    @Nullable Listener next;
    boolean linked;

    Listener(Runnable callback) {
      this.callback = callback;
    }

    void fire() {
      callback.run();
    }

    /**
     * The listener after this one in a list that {@link #cancel} detached: read without the lock,
     * by the thread that detached it, after nothing may change it any more.
     */
    @Nullable Listener nextToRun() {
      return next;
    }

    @Override
    public boolean stop() {
      return remove(this);
    }
  }
}
