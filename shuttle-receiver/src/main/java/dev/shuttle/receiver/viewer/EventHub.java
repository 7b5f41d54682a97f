package dev.shuttle.receiver.viewer;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.receiver.MetricListener;
import dev.shuttle.receiver.RunningListener;
import dev.shuttle.receiver.RunningProcess;
import dev.shuttle.receiver.SpanListener;
import dev.shuttle.receiver.StoredSpan;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Tells the open event streams ({@code GET /api/events}) what arrived at the store: the ids of
 * traces that got spans, that metrics arrived, and that rounds of the live view closed. Each stream
 * takes what is pending for it at most once per debounce interval and writes a heartbeat when
 * nothing happened for a while.
 *
 * <p>Implementation note (concurrency): the hub's {@code lock} guards the list of subscribers and
 * its {@code closed} flag; each {@link Subscriber} has a lock of its own that guards what is
 * pending for it and its own {@code closed} flag, with a condition its stream waits on. Lock order:
 * hub, then subscriber (never the other way round). The store calls {@link #onSpans}, {@link
 * #onMetrics} and {@link #onRunning} on receiving threads, outside its own lock; they add to each
 * subscriber (at most {@link #MAX_PENDING_IDS} ids: the page re-fetches the list anyway) and signal
 * it. A stream waits on its condition with a timeout (the heartbeat, or the end of the debounce
 * interval) and writes to its connection after releasing the lock, so a slow client never holds a
 * lock another thread needs. Invariant: once the hub is closed no subscriber is added, and every
 * subscriber is closed, so every waiting stream returns {@link Next#closed()} promptly.
 *
 * <p>A stream whose browser went away is only found out when a write to it fails, and the server
 * does not read from a connection while its stream runs; so when {@link #subscribe} finds every
 * slot taken it asks each stream to probe its connection at once ({@link Next#probe()}: two writes
 * a moment apart, the second of which fails on a connection the peer closed), and the refused
 * client, told to retry, finds the slots of closed tabs free. A probe is a flag under the
 * subscriber's lock, set by {@code subscribe} and taken by the stream's next {@link
 * Subscriber#next}.
 *
 * <p>Thread-safety: all methods are safe to call from any thread.
 */
final class EventHub implements SpanListener, MetricListener, RunningListener {
  /** The most trace ids one event carries. */
  static final int MAX_PENDING_IDS = 100;

  private final ReentrantLock lock = new ReentrantLock();
  private final int maxSubscribers;

  /** Signalled when the last stream has unregistered. */
  private final Condition emptied = lock.newCondition();

  @GuardedBy("lock")
  private final List<Subscriber> subscribers = new ArrayList<>();

  @GuardedBy("lock")
  private boolean closed;

  /**
   * What one stream has not been told yet.
   *
   * <p>Thread-safety: safe to use from any thread; see {@link EventHub}.
   */
  static final class Subscriber {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    @GuardedBy("lock")
    private final Set<String> traceIds = new LinkedHashSet<>();

    @GuardedBy("lock")
    private boolean metrics;

    @GuardedBy("lock")
    private boolean running;

    @GuardedBy("lock")
    private boolean closed;

    @GuardedBy("lock")
    private boolean probe;

    private Subscriber() {}

    /** Asks the stream to write to its connection now, to find out whether it is still open. */
    private void probe() {
      lock.lock();
      try {
        probe = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    private void addTraces(Set<String> ids) {
      lock.lock();
      try {
        for (String id : ids) {
          if (traceIds.size() >= MAX_PENDING_IDS) {
            break;
          }
          traceIds.add(id);
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    private void addMetrics() {
      lock.lock();
      try {
        metrics = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    private void addRunning() {
      lock.lock();
      try {
        running = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /** Ends this subscriber's stream: its next {@link #next} returns at once. */
    void close() {
      lock.lock();
      try {
        closed = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /**
     * Waits until something is pending and {@code notBeforeNanos} (a {@link System#nanoTime()}
     * value) has passed, or until {@code heartbeatAtNanos} (then returns a heartbeat), or until the
     * subscriber is closed; takes what was pending.
     *
     * @throws InterruptedException if the stream's thread is interrupted
     */
    Next next(long notBeforeNanos, long heartbeatAtNanos) throws InterruptedException {
      lock.lockInterruptibly();
      try {
        while (true) {
          if (closed) {
            return new Next(true, List.of(), false, false, false);
          }
          if (probe) {
            probe = false;
            return new Next(false, List.of(), false, false, true);
          }
          long now = System.nanoTime();
          boolean pending = !traceIds.isEmpty() || metrics || running;
          if (pending && now - notBeforeNanos >= 0) {
            Next next = new Next(false, List.copyOf(traceIds), metrics, running, false);
            traceIds.clear();
            metrics = false;
            running = false;
            return next;
          }
          if (now - heartbeatAtNanos >= 0) {
            return new Next(false, List.of(), false, false, false);
          }
          long wait = heartbeatAtNanos - now;
          if (pending) {
            wait = Math.min(wait, notBeforeNanos - now);
          }
          changed.await(Math.max(wait, 1), TimeUnit.NANOSECONDS);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * What a stream writes next.
   *
   * @param closed the stream is to end
   * @param traceIds trace ids to announce, possibly empty
   * @param metrics whether to announce metrics
   * @param running whether to announce that what runs now changed
   * @param probe whether the heartbeat is a probe of a connection that may have closed
   */
  record Next(
      boolean closed, List<String> traceIds, boolean metrics, boolean running, boolean probe) {
    /** Whether nothing is to be announced: the stream writes a heartbeat comment. */
    boolean heartbeat() {
      return !closed && traceIds.isEmpty() && !metrics && !running;
    }
  }

  /**
   * Creates a hub for at most {@code maxSubscribers} open streams.
   *
   * @param maxSubscribers the most streams open at once
   */
  EventHub(int maxSubscribers) {
    this.maxSubscribers = maxSubscribers;
  }

  /**
   * Registers a stream, or returns null if the hub is closed or has its most streams; then every
   * stream probes its connection, so that the streams of closed tabs end soon.
   */
  @Nullable Subscriber subscribe() {
    lock.lock();
    try {
      if (closed) {
        return null;
      }
      if (subscribers.size() >= maxSubscribers) {
        for (Subscriber subscriber : subscribers) {
          subscriber.probe();
        }
        return null;
      }
      Subscriber subscriber = new Subscriber();
      subscribers.add(subscriber);
      return subscriber;
    } finally {
      lock.unlock();
    }
  }

  /** Unregisters a stream. */
  void unsubscribe(Subscriber subscriber) {
    lock.lock();
    try {
      subscribers.remove(subscriber);
      if (subscribers.isEmpty()) {
        emptied.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every stream has unregistered, for at most {@code limit}.
   *
   * @return true if none is left
   * @throws InterruptedException if the waiting thread is interrupted
   */
  boolean awaitNoSubscribers(Duration limit) throws InterruptedException {
    long left = limit.toNanos();
    lock.lockInterruptibly();
    try {
      while (!subscribers.isEmpty()) {
        if (left <= 0) {
          return false;
        }
        left = emptied.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onSpans(List<StoredSpan> spans) {
    Set<String> ids = new LinkedHashSet<>();
    for (StoredSpan span : spans) {
      if (ids.size() == MAX_PENDING_IDS) {
        break;
      }
      ids.add(span.traceId());
    }
    lock.lock();
    try {
      for (Subscriber subscriber : subscribers) {
        subscriber.addTraces(ids);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onMetrics(List<ResourceMetrics> batches) {
    lock.lock();
    try {
      for (Subscriber subscriber : subscribers) {
        subscriber.addMetrics();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onRunning(List<RunningProcess> rounds) {
    lock.lock();
    try {
      for (Subscriber subscriber : subscribers) {
        subscriber.addRunning();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Ends every stream, now and from now on. */
  void close() {
    lock.lock();
    try {
      closed = true;
      for (Subscriber subscriber : subscribers) {
        subscriber.close();
      }
    } finally {
      lock.unlock();
    }
  }
}
