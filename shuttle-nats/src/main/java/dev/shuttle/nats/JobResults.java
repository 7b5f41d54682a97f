package dev.shuttle.nats;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.context.Stoppable;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The submitter's side of results: one inbox subject per pool instance, subscribed on first use, on
 * which workers publish each job's outcome with its {@code Shuttle-Job-Id}; the outcome completes
 * the {@link Pending} of that id.
 *
 * <p>Implementation note: {@code pending} maps job ids to weak references, so a job whose handle
 * the submitter dropped (it never asks for the result) costs nothing once collected; collected
 * entries are removed from the map ({@code collected} queue) at each registration. Registration is
 * a get-or-replace loop on the concurrent map, so two submissions of one id in this process share
 * one {@link Pending}. An outcome removes its entry and completes the future (on the dispatcher's
 * thread). {@code dispatcher}, {@code inbox} and {@code closed} change under {@code lock}.
 */
final class JobResults {
  private final Connection connection;
  private final Map<String, Ref> pending = new ConcurrentHashMap<>();
  private final ReferenceQueue<Pending> collected = new ReferenceQueue<>();
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private @Nullable Dispatcher dispatcher;

  @GuardedBy("lock")
  private @Nullable String inbox;

  @GuardedBy("lock")
  private boolean closed;

  JobResults(Connection connection) {
    this.connection = connection;
  }

  /** The outcome of one job, as this process waits for it. */
  static final class Pending {
    final CompletableFuture<Message> outcome = new CompletableFuture<>();
    private volatile @Nullable Stoppable cancelHook;

    /** Registers what tells workers that the submitter cancelled; stopped once the job ends. */
    void listen(Stoppable hook) {
      cancelHook = hook;
      if (outcome.isDone()) {
        hook.stop();
      }
    }

    void complete(Message message) {
      outcome.complete(message);
      Stoppable hook = cancelHook;
      if (hook != null) {
        hook.stop();
      }
    }
  }

  private static final class Ref extends WeakReference<Pending> {
    final String jobId;

    Ref(String jobId, Pending pending, ReferenceQueue<Pending> queue) {
      super(pending, queue);
      this.jobId = jobId;
    }
  }

  /**
   * Returns the inbox subject outcomes come back on, subscribing to it on first use.
   *
   * @throws IllegalStateException if the pool was closed
   */
  String inbox() {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the pool was closed");
      }
      String subject = inbox;
      if (subject == null) {
        subject = connection.createInbox();
        Dispatcher created = connection.createDispatcher(this::onOutcome);
        created.subscribe(subject);
        dispatcher = created;
        inbox = subject;
      }
      return subject;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the pending outcome of job {@code jobId}, shared by every submission of that id. */
  Pending register(String jobId) {
    expunge();
    while (true) {
      Ref ref = pending.get(jobId);
      Pending existing = ref == null ? null : ref.get();
      if (existing != null && !existing.outcome.isDone()) {
        return existing;
      }
      Pending created = new Pending();
      Ref fresh = new Ref(jobId, created, collected);
      boolean won =
          ref == null
              ? pending.putIfAbsent(jobId, fresh) == null
              : pending.replace(jobId, ref, fresh);
      if (won) {
        return created;
      }
    }
  }

  /** Stops listening for outcomes; pending {@code result()} calls fail with "closed". */
  void close() {
    Dispatcher current;
    lock.lock();
    try {
      closed = true;
      current = dispatcher;
      dispatcher = null;
    } finally {
      lock.unlock();
    }
    if (current != null) {
      try {
        connection.closeDispatcher(current);
      } catch (RuntimeException notConnected) {
        // closed with the connection
      }
    }
    for (Ref ref : pending.values()) {
      Pending waiting = ref.get();
      if (waiting != null) {
        waiting.outcome.completeExceptionally(new IllegalStateException("the pool was closed"));
      }
    }
    pending.clear();
  }

  private void onOutcome(Message message) {
    String jobId =
        PoolHeaders.single(message.getHeaders(), PoolHeaders.JOB_ID, PoolHeaders.MAX_JOB_ID_LENGTH);
    if (jobId == null) {
      return;
    }
    Ref ref = pending.remove(jobId);
    Pending waiting = ref == null ? null : ref.get();
    if (waiting != null) {
      waiting.complete(message);
    }
  }

  private void expunge() {
    for (Reference<? extends Pending> gone = collected.poll();
        gone != null;
        gone = collected.poll()) {
      Ref ref = (Ref) gone;
      pending.remove(ref.jobId, ref);
    }
  }
}
