package dev.shuttle.nats;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.Go;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The workers of a {@link NatsWorkerPool} in this process, from {@link
 * NatsWorkerPool#startWorkers}: they pull jobs from the pool's durable consumer, never more at once
 * than their concurrency, and run each on a goroutine of its own.
 *
 * {@snippet :
 * try (NatsWorkers workers = pool.startWorkers(4, (ctx, job) -> render(job))) {
 *   awaitShutdownSignal();
 * } // stop taking jobs, finish the running ones
 * }
 *
 * <p>Life cycle: running, then stopped by {@link #stop()} (no new jobs; running ones finish and are
 * acknowledged) or {@link #stopNow()} (running ones are cancelled and handed back to JetStream at
 * once), then terminated once no job runs and the pull has ended. A job delivered to this process
 * as it stops is handed back at once ({@code nak}); one caught in flight at that moment is
 * delivered again after the pool's ackWait.
 *
 * <p>Memory consistency effects: a handler's actions happen-before {@link #awaitTermination()}
 * returns.
 *
 * <p>Thread-safe: any thread may stop or wait.
 *
 * <p>Implementation note: one pull loop (a goroutine) takes {@code free} slots under {@code lock},
 * pulls at most that many jobs ({@code iterate(free, POLL)}), and gives back the slots it did not
 * use; each delivery gives its slot back when it has settled, so {@code free + inFlight} is the
 * concurrency at all times. {@code stopping} and {@code loopEnded} change under the lock; the
 * workers terminate when the loop has ended and {@code inFlight} is 0, and the first thread that
 * sees it ({@code terminating}) releases the cancel subscription, the heartbeat and the metric,
 * then sets {@code terminated}, which the waiters wait for. Running deliveries are published in
 * {@code running} (keyed by job id) between their start and their end; {@code stoppingNow} is
 * volatile and set before {@link #stopNow()} walks the map, and a delivery reads it after
 * registering, so each running job is stopped by one of the two.
 */
public final class NatsWorkers implements AutoCloseable {
  /** How long one pull waits for jobs before the loop checks its state and pulls again. */
  private static final Duration POLL = Duration.ofMillis(500);

  /** How long the loop waits after a failed pull (connection lost) before pulling again. */
  private static final Duration RETRY = Duration.ofMillis(200);

  private final WorkerSetup<?, ?> setup;
  private final int concurrency;
  private final JetStreamSubscription subscription;
  private final Dispatcher cancels;
  private final ScheduledExecutorService heartbeat;
  private final RecentCancels recentCancels = new RecentCancels();
  private final Map<String, JobDelivery<?, ?>> running = new ConcurrentHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile boolean stoppingNow;

  @GuardedBy("lock")
  private int free;

  @GuardedBy("lock")
  private int inFlight;

  @GuardedBy("lock")
  private boolean stopping;

  @GuardedBy("lock")
  private boolean loopEnded;

  @GuardedBy("lock")
  private boolean terminating;

  @GuardedBy("lock")
  private boolean terminated;

  private NatsWorkers(WorkerSetup<?, ?> setup, int concurrency) throws IOException {
    this.setup = setup;
    this.concurrency = concurrency;
    this.free = concurrency;
    PoolSettings settings = setup.settings();
    try {
      this.subscription =
          setup
              .connection()
              .jetStream()
              .subscribe(
                  settings.jobsSubject(),
                  PullSubscribeOptions.bind(settings.jobsStream(), PoolSettings.CONSUMER));
    } catch (JetStreamApiException e) {
      throw new IllegalStateException(
          "cannot bind to the consumer "
              + PoolSettings.CONSUMER
              + " of stream "
              + settings.jobsStream()
              + ": "
              + e.getMessage(),
          e);
    }
    this.cancels = setup.connection().createDispatcher(this::onCancel);
    cancels.subscribe(settings.cancelSubject());
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("shuttle-nats-heartbeat-" + settings.name()).factory());
    long period = Math.max(1, settings.heartbeat().toMillis());
    heartbeat.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
  }

  /** Starts {@code concurrency} workers; see {@link NatsWorkerPool#startWorkers}. */
  static NatsWorkers start(WorkerSetup<?, ?> setup, int concurrency) throws IOException {
    NatsWorkers workers = new NatsWorkers(setup, concurrency);
    setup.metrics().workers(concurrency);
    Go.go(Context.root(), workers::pull);
    return workers;
  }

  /**
   * Returns how many jobs these workers run at most at once.
   *
   * @return the concurrency given to {@link NatsWorkerPool#startWorkers}
   */
  public int concurrency() {
    return concurrency;
  }

  /**
   * Stops taking jobs; the running ones finish and are acknowledged (or retried, or dead-lettered,
   * as they end). Returns at once: use {@link #awaitTermination()} to wait. Idempotent.
   */
  public void stop() {
    lock.lock();
    try {
      stopping = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops at once: stops taking jobs, cancels the context of every running job (its cause is a
   * {@link dev.shuttle.pool.PoolStoppedException}; the handler's thread is interrupted) and hands
   * each back to JetStream ({@code nak}) so that another worker takes it at once, without waiting
   * for the handlers to return (their results are discarded). The delivery counts as one of the
   * job's attempts. Returns without waiting; use {@link #awaitTermination()} for that.
   *
   * @return how many running jobs were handed back; 0 when called again
   */
  public int stopNow() {
    stoppingNow = true;
    stop();
    int stopped = 0;
    for (JobDelivery<?, ?> delivery : running.values()) {
      if (delivery.stopNow()) {
        stopped++;
      }
    }
    return stopped;
  }

  /**
   * Waits until the workers have terminated: stopped, no job running, the pull ended.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public void awaitTermination() throws InterruptedException {
    lock.lock();
    try {
      while (!terminated) {
        changed.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits at most {@code timeout} until the workers have terminated.
   *
   * @param timeout how long to wait at most; zero only checks
   * @return {@code true} if they terminated, {@code false} if the timeout elapsed first
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, but was " + timeout);
    }
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (!terminated) {
        if (nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the workers and waits until they have terminated ({@link #stop()} then {@link
   * #awaitTermination()}). If the thread is interrupted while waiting, it stops them now ({@link
   * #stopNow()}), keeps waiting, and restores the interrupt flag. Idempotent.
   */
  @Override
  public void close() {
    stop();
    boolean interrupted = false;
    while (true) {
      try {
        awaitTermination();
        break;
      } catch (InterruptedException e) {
        if (!interrupted) {
          stopNow();
        }
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "NatsWorkers[pool=" + setup.settings().name() + ", concurrency=" + concurrency + "]";
  }

  // ---- the pull loop ----

  private void pull() {
    try {
      while (true) {
        int batch = takeSlots();
        if (batch == 0) {
          return;
        }
        int used = 0;
        try {
          Iterator<Message> messages = subscription.iterate(batch, POLL);
          while (messages.hasNext()) {
            Message message = messages.next();
            if (message == null) {
              continue;
            }
            if (isStopping()) {
              nak(message);
              continue;
            }
            used++;
            accept(message);
          }
        } catch (RuntimeException pullFailed) {
          // not connected, or a status from the server: wait a little and pull again
          awaitStop(RETRY);
        } finally {
          giveBack(batch - used);
        }
      }
    } finally {
      try {
        subscription.unsubscribe();
      } catch (RuntimeException notConnected) {
        // the server forgets the subscription with the connection
      }
      lock.lock();
      try {
        loopEnded = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      terminateIfDone();
    }
  }

  private void accept(Message message) {
    lock.lock();
    try {
      inFlight++;
    } finally {
      lock.unlock();
    }
    JobDelivery<?, ?> delivery = new JobDelivery<>(setup, this, message);
    Go.go(
        Context.root(),
        () -> {
          try {
            delivery.handle();
          } finally {
            settledOne();
          }
        });
  }

  /** Waits for at least one free slot and takes all free ones; returns 0 once stopping. */
  private int takeSlots() {
    lock.lock();
    try {
      while (free == 0 && !stopping) {
        changed.awaitUninterruptibly();
      }
      if (stopping) {
        return 0;
      }
      int taken = free;
      free = 0;
      return taken;
    } finally {
      lock.unlock();
    }
  }

  private void giveBack(int slots) {
    if (slots == 0) {
      return;
    }
    lock.lock();
    try {
      free += slots;
    } finally {
      lock.unlock();
    }
  }

  private boolean isStopping() {
    lock.lock();
    try {
      return stopping;
    } finally {
      lock.unlock();
    }
  }

  private void awaitStop(Duration duration) {
    long nanos = duration.toNanos();
    lock.lock();
    try {
      while (!stopping && nanos > 0) {
        try {
          nanos = changed.awaitNanos(nanos);
        } catch (InterruptedException e) {
          return; // cleared: the loop only sleeps here
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void settledOne() {
    lock.lock();
    try {
      inFlight--;
      free++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    terminateIfDone();
  }

  /**
   * Once the loop has ended and no delivery is in flight, releases the cancel subscription, the
   * heartbeat and the metric (once: the first caller claims {@code terminating}), then marks the
   * workers terminated, which {@link #awaitTermination()} waits for.
   */
  private void terminateIfDone() {
    lock.lock();
    try {
      if (terminating || !loopEnded || inFlight != 0) {
        return;
      }
      terminating = true;
    } finally {
      lock.unlock();
    }
    try {
      heartbeat.shutdownNow();
      try {
        setup.connection().closeDispatcher(cancels);
      } catch (RuntimeException notConnected) {
        // closed with the connection
      }
      setup.metrics().workers(-concurrency);
    } finally {
      lock.lock();
      try {
        terminated = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private static void nak(Message message) {
    try {
      message.nak();
    } catch (RuntimeException notConnected) {
      // delivered again after ackWait
    }
  }

  // ---- what the deliveries and the subscriptions call ----

  /** A delivery is about to run its job. */
  void started(JobDelivery<?, ?> delivery) {
    running.put(delivery.jobId(), delivery);
  }

  /** A delivery's job has ended. */
  void ended(JobDelivery<?, ?> delivery) {
    running.remove(delivery.jobId(), delivery);
  }

  /** Returns {@code true} once {@link #stopNow()} was called. */
  boolean stoppingNow() {
    return stoppingNow;
  }

  /** Returns the text of a recent cancellation of job {@code jobId}, or {@code null}. */
  @Nullable String recentCancel(String jobId) {
    return recentCancels.get(jobId);
  }

  private void onCancel(Message message) {
    String jobId =
        PoolHeaders.single(message.getHeaders(), PoolHeaders.JOB_ID, PoolHeaders.MAX_JOB_ID_LENGTH);
    if (jobId == null) {
      return;
    }
    String text =
        NatsHeaders.read(message.getHeaders(), Context.root())
            .cancellation()
            .orElse("cancelled by the submitter");
    recentCancels.add(jobId, text);
    JobDelivery<?, ?> delivery = running.get(jobId);
    if (delivery != null) {
      delivery.cancel(text);
    }
  }

  private void beat() {
    for (JobDelivery<?, ?> delivery : running.values()) {
      delivery.inProgress();
    }
  }
}
