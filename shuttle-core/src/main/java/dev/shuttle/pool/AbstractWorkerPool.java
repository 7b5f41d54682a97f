package dev.shuttle.pool;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.channel.SendChannel;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Cancellation;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.context.Stoppable;
import dev.shuttle.inspect.BlockedOn;
import dev.shuttle.internal.BlockSite;
import dev.shuttle.internal.CallerSpans;
import dev.shuttle.internal.Checks;
import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.LiveGoroutine;
import dev.shuttle.internal.SpinLocks;
import dev.shuttle.telemetry.PoolAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The queue and workers shared by {@link WorkerPool} (fixed) and {@link DynamicWorkerPool}: jobs
 * wait in a bounded FIFO queue and a set of worker virtual threads ({@link Worker}) takes them and
 * runs each with the pool's {@link JobRunner}. The contract (spans, outcomes, life cycle, memory
 * consistency) is {@link Pool}'s; what this class adds is the queue: {@code submit} waits while it
 * is full, {@code trySubmit} refuses, {@link #stopNow()} returns the jobs still in it, and a job
 * may also deliver its {@link JobResult} to a channel ({@link #submit(Context, Callable,
 * SendChannel)}). {@link #awaitTermination()} also waits until the worker threads alive at the stop
 * have ended.
 *
 * <h2>Implementation note</h2>
 *
 * <p>One {@link ReentrantLock} guards the {@link JobQueue}, the {@link WorkerSet} (with the sizing
 * parameters) and the moves of the {@link PoolState} (which is volatile so that workers can read it
 * without the lock). Conditions: {@code notEmpty} (idle workers wait), {@code notFull} (blocked
 * submitters wait), {@code workerExited} ({@link #awaitWorkersAtMost} waits; signalled by every
 * worker that leaves the set), and the state's {@code terminated} ({@link #awaitTermination}
 * waits). No {@code synchronized}: a virtual thread parked here does not pin its carrier.
 *
 * <p>Invariants while the lock is free: {@code queue.size() <= capacity}; {@code workers.size() >=
 * 1} whenever the queue is not empty and the state is RUNNING or STOPPING (a submission that finds
 * no worker starts one); TERMINATED only when the worker set is empty and the queue is empty;
 * {@code workers.idle()} counts the workers inside {@code notEmpty.await}.
 *
 * <p>Linearisation points: a submission is accepted when its job is appended to the queue under the
 * lock, and refused if it finds the state not RUNNING under the lock, so "accepted before {@code
 * stop}" is well defined: every accepted job either runs (stop) or is returned by {@code stopNow}.
 * A job is started when a worker removes it from the queue under the lock; {@code stopNow} drains
 * the queue under the same lock, so a job is either started or returned, never both and never
 * neither.
 *
 * <p>Workers are started and retired only under the lock (the worker set is the count), and the
 * thread is started after the lock is released: no method calls another that locks again while it
 * holds the lock, except the cancellation callback, which only signals (the lock is reentrant). A
 * context-aware submission registers that callback with {@link Cancellation#onDone}, so a blocked
 * submitter wakes as soon as its context is cancelled; a submitter that leaves the wait without
 * enqueuing passes its signal on, so no wake-up is lost.
 *
 * <p>Spinning: an idle worker (and a submitter facing a full queue) first spins a few times outside
 * the lock, reading the volatile mirror {@code queued} of the queue's size (written under the
 * lock), before it parks on its condition; the spin only decides when to re-take the lock, so every
 * decision is still made under it. The lock itself is taken through {@link SpinLocks}: its critical
 * sections never block.
 *
 * <p>Stopping running jobs: see {@link JobSlot} for how {@code stopNow} and a starting job agree.
 * Results: the results channel is sent to under the pool's lifetime context, which {@code stopNow}
 * cancels, so a worker blocked on a channel nobody drains is released by {@code stopNow} and never
 * blocks forever.
 */
public abstract sealed class AbstractWorkerPool implements Pool
    permits WorkerPool, DynamicWorkerPool {
  /**
   * How many times an idle worker or a waiting submitter spins (outside the lock) before it parks;
   * system property {@code dev.shuttle.pool.spins} (0 turns spinning off).
   */
  private static final int SPINS = Math.max(0, Integer.getInteger("dev.shuttle.pool.spins", 64));

  private static final BlockSite WAITING_FOR_ROOM =
      target -> ((AbstractWorkerPool) target).queueState(true);
  private static final BlockSite WAITING_FOR_JOB =
      target -> ((AbstractWorkerPool) target).queueState(false);

  private final String name;
  private final String owner;
  private final int capacity;
  private final PoolMetrics metrics;
  private final CancelableContext lifetime = Contexts.withCancel(Context.root());

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final Condition workerExited = lock.newCondition();
  private final PoolState state = new PoolState(lock);
  private final JobRunner runner;

  @GuardedBy("lock")
  private final JobQueue queue;

  @GuardedBy("lock")
  private final WorkerSet workers;

  // the threads of the workers alive when the pool was stopped, joined by awaitTermination so
  // that no worker thread is alive once it returns
  @GuardedBy("lock")
  private List<Thread> stoppedThreads = List.of();

  // queue.size(), written under lock; read without it by a worker spinning before it parks and by
  // the queue-size gauge when metrics are collected
  private volatile int queued;

  AbstractWorkerPool(
      String name,
      String type,
      int minWorkers,
      int maxWorkers,
      int capacity,
      int growThreshold,
      Duration idleTimeout) {
    this.name = name;
    this.owner = "pool " + name;
    this.capacity = capacity;
    this.queue = new JobQueue(capacity);
    this.workers = new WorkerSet(minWorkers, maxWorkers, idleTimeout, growThreshold);
    this.metrics = new PoolMetrics(name, type, () -> queued);
    this.runner = new JobRunner(name, metrics, state, this::addSpanAttributes, lifetime.context());
    metrics.opened(capacity);
    List<Worker> initial = new ArrayList<>(minWorkers);
    lock.lock();
    try {
      for (int i = 0; i < minWorkers; i++) {
        initial.add(workers.add(this));
      }
    } finally {
      lock.unlock();
    }
    initial.forEach(Worker::start);
  }

  private void addSpanAttributes(Span span, Job<?> job, JobSlot worker, long waitNanos) {
    Attributes given = job.attributes;
    CallerSpans.putUnlessGiven(span, given, PoolAttributes.POOL_NAME, name);
    CallerSpans.putUnlessGiven(span, given, PoolAttributes.JOB_ID, job.id);
    CallerSpans.putUnlessGiven(span, given, PoolAttributes.WORKER_ID, worker.id);
    CallerSpans.putUnlessGiven(span, given, PoolAttributes.JOB_QUEUE_WAIT_NS, waitNanos);
  }

  // ------------------------------------------------------------------ submission

  /** {@inheritDoc} The default span is {@code process-job}; "full" means the queue is. */
  @Override
  public final <T> CompletableFuture<T> submit(Context context, Callable<T> job)
      throws InterruptedException {
    return submit(context, PoolAttributes.SPAN_PROCESS_JOB, Attributes.empty(), job);
  }

  /**
   * {@inheritDoc} The pool's attributes are {@code worker_pool.name}, {@code job.id}, {@code
   * worker.id} and {@code job.queue_wait_ns}.
   */
  @Override
  public final <T> CompletableFuture<T> submit(
      Context context, String spanName, Attributes attributes, Callable<T> job)
      throws InterruptedException {
    Job<T> accepted = enqueue(new Job<>(context, spanName, attributes, job, null), true);
    return Objects.requireNonNull(accepted, "a blocking enqueue returns a job").future;
  }

  /**
   * Submits {@code job} as {@link #submit(Context, Callable)} does, and once it has run also sends
   * its {@link JobResult} to {@code results} (the message carries {@code context}, so a consumer
   * can continue the submitter's trace). The send waits while {@code results} is full: drain it, or
   * {@link #stopNow()} releases waiting workers. A result that cannot be sent (the channel was
   * closed, or the pool stopped now) is still in the returned future.
   *
   * {@snippet :
   * Channel<JobResult<String>> results = Channel.buffered(16);
   * Go.go(() -> {
   *   for (int i = 0; i < 100; i++) {
   *     int n = i;
   *     pool.submit(Context.current(), () -> "processed-" + n, results);
   *   }
   *   pool.stop();
   *   pool.awaitTermination();
   *   results.close(); // every result has been sent
   * });
   * for (JobResult<String> r : results) { ... }
   * }
   *
   * @param <T> the job's result type
   * @param context the context the job runs under: its span is the parent of the job's span, and
   *     its cancellation cancels the job and ends the wait for room
   * @param job the work to run on a worker
   * @param results the channel that receives the job's result once it has run
   * @return a future completed with the job's result or exception
   * @throws PoolStoppedException if the pool is stopped, or is stopped while this call waits
   * @throws ContextDoneException if {@code context} is done before the job is accepted
   * @throws InterruptedException if the thread is interrupted before the job is accepted
   */
  public final <T> CompletableFuture<T> submit(
      Context context, Callable<T> job, SendChannel<? super JobResult<T>> results)
      throws InterruptedException {
    return submit(context, PoolAttributes.SPAN_PROCESS_JOB, Attributes.empty(), job, results);
  }

  /**
   * Submits {@code job} as {@link #submit(Context, Callable, SendChannel)} does, in a span named
   * and attributed by the caller as {@link #submit(Context, String, Attributes, Callable)}
   * describes.
   *
   * @param <T> the job's result type
   * @param context the context the job runs under: its span is the parent of the job's span, and
   *     its cancellation cancels the job and ends the wait for room
   * @param spanName the name of the job's span
   * @param attributes attributes of the job's span, besides the pool's own
   * @param job the work to run on a worker
   * @param results the channel that receives the job's result once it has run
   * @return a future completed with the job's result or exception
   * @throws IllegalArgumentException if {@code spanName} is blank
   * @throws PoolStoppedException if the pool is stopped, or is stopped while this call waits
   * @throws ContextDoneException if {@code context} is done before the job is accepted
   * @throws InterruptedException if the thread is interrupted before the job is accepted
   */
  public final <T> CompletableFuture<T> submit(
      Context context,
      String spanName,
      Attributes attributes,
      Callable<T> job,
      SendChannel<? super JobResult<T>> results)
      throws InterruptedException {
    Objects.requireNonNull(results, "results");
    Job<T> accepted = enqueue(new Job<>(context, spanName, attributes, job, results), true);
    return Objects.requireNonNull(accepted, "a blocking enqueue returns a job").future;
  }

  /** {@inheritDoc} The default span is {@code process-job}; "full" means the queue is. */
  @Override
  public final <T> Optional<CompletableFuture<T>> trySubmit(Context context, Callable<T> job) {
    return trySubmit(context, PoolAttributes.SPAN_PROCESS_JOB, Attributes.empty(), job);
  }

  @Override
  public final <T> Optional<CompletableFuture<T>> trySubmit(
      Context context, String spanName, Attributes attributes, Callable<T> job) {
    try {
      Job<T> accepted = enqueue(new Job<>(context, spanName, attributes, job, null), false);
      return accepted == null ? Optional.empty() : Optional.of(accepted.future);
    } catch (InterruptedException e) {
      throw new AssertionError("a non-blocking enqueue does not wait", e);
    }
  }

  private <T> @Nullable Job<T> enqueue(Job<T> job, boolean block) throws InterruptedException {
    Cancellation cancellation = Contexts.cancellation(job.context);
    if (block) {
      if (cancellation.isDone()) {
        metrics.rejected(PoolMetrics.Rejection.CONTEXT_DONE);
        cancellation.throwIfDone();
      }
    }
    long now = System.nanoTime();
    Stoppable wakeUp = null;
    Worker toStart = null;
    boolean waited = false;
    boolean spun = false;
    SpinLocks.lockInterruptibly(lock);
    try {
      while (true) {
        if (state.get() != PoolState.RUNNING) {
          passOnSignalLocked();
          metrics.rejected(PoolMetrics.Rejection.STOPPED);
          throw new PoolStoppedException(name);
        }
        if (queue.hasRoom()) {
          break;
        }
        if (!block) {
          metrics.rejected(PoolMetrics.Rejection.QUEUE_FULL);
          return null;
        }
        if (wakeUp == null) {
          wakeUp = cancellation.onDone(this::wakeSubmitters); // runs at once if done: reentrant
        }
        if (cancellation.isDone()) {
          passOnSignalLocked();
          metrics.rejected(PoolMetrics.Rejection.CONTEXT_DONE);
          cancellation.throwIfDone();
        }
        if (!spun) { // as in take(): a short spin outside the lock often saves a park
          spun = true;
          lock.unlock();
          try {
            for (int i = 0;
                i < SPINS && queued >= capacity && state.get() == PoolState.RUNNING;
                i++) {
              Thread.onSpinWait();
            }
          } finally {
            SpinLocks.lock(lock); // not interruptibly: the outer finally unlocks
          }
          waited = true;
          continue;
        }
        spun = false;
        LiveGoroutine blocked = GoroutineRegistry.block(this, WAITING_FOR_ROOM);
        try {
          notFull.await();
        } catch (InterruptedException e) {
          passOnSignalLocked();
          if (!cancellation.isDone()) {
            throw e;
          }
          Thread.currentThread().interrupt(); // the cancellation's own interrupt: report it so
          metrics.rejected(PoolMetrics.Rejection.CONTEXT_DONE);
          cancellation.throwIfDone();
        } finally {
          GoroutineRegistry.unblock(blocked);
        }
        waited = true;
      }
      queue.add(job, waited ? System.nanoTime() : now);
      queued = queue.size();
      if (workers.idle() > 0) {
        notEmpty.signal();
      }
      toStart = workers.growFor(this, queue.size());
    } finally {
      lock.unlock();
      if (wakeUp != null) {
        wakeUp.stop();
      }
    }
    if (toStart != null) {
      toStart.start();
    }
    return job;
  }

  /** A submitter leaving without enqueuing hands the room it was woken for to the next one. */
  @GuardedBy("lock")
  private void passOnSignalLocked() {
    if (queue.hasRoom()) {
      notFull.signal();
    }
  }

  private void wakeSubmitters() {
    lock.lock();
    try {
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ workers

  /**
   * Takes the next job for {@code worker}, waiting while the queue is empty; returns {@code null}
   * when the worker must exit (pool stopping with an empty queue, stopped now, over the maximum, or
   * idle longer than the timeout while above the minimum), having removed it from the set.
   */
  @Nullable Job<?> take(Worker worker) {
    boolean timedOut = false;
    boolean spun = false;
    SpinLocks.lock(lock);
    try {
      while (true) {
        int s = state.get();
        if (s >= PoolState.STOPPED_NOW || workers.overMax()) {
          return exitLocked(worker);
        }
        Job<?> job = queue.poll();
        if (job != null) {
          queued = queue.size();
          notFull.signal();
          return job;
        }
        boolean timed = workers.aboveMin();
        if (s == PoolState.STOPPING || (timed && timedOut)) {
          return exitLocked(worker);
        }
        if (!spun) { // a short spin outside the lock often saves a park and an unpark
          spun = true;
          lock.unlock();
          try {
            for (int i = 0; i < SPINS && queued == 0 && state.get() == s; i++) {
              Thread.onSpinWait();
            }
          } finally {
            SpinLocks.lock(lock);
          }
          continue;
        }
        spun = false;
        workers.idleStarted();
        LiveGoroutine blocked = GoroutineRegistry.block(this, WAITING_FOR_JOB);
        try {
          if (timed) {
            timedOut = notEmpty.awaitNanos(workers.idleTimeoutNanos()) <= 0;
          } else {
            notEmpty.await();
          }
        } catch (InterruptedException e) {
          // stopNow interrupts idle workers; the loop re-reads the state
        } finally {
          workers.idleEnded();
          GoroutineRegistry.unblock(blocked);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private BlockedOn queueState(boolean forRoom) {
    return new BlockedOn.PoolQueue(name, forRoom, queued, capacity);
  }

  /**
   * Called by {@code worker} as its thread ends. It is still in the set only if an {@link Error}
   * escaped its loop: then the count is kept right and, while running, a replacement starts.
   */
  void exited(Worker worker) {
    Worker replacement = null;
    lock.lock();
    try {
      if (workers.contains(worker)) {
        exitLocked(worker);
        replacement = state.get() == PoolState.RUNNING ? workers.growFor(this, queue.size()) : null;
      }
    } finally {
      lock.unlock();
    }
    if (replacement != null) {
      replacement.start();
    }
  }

  @GuardedBy("lock")
  private @Nullable Job<?> exitLocked(Worker worker) {
    if (workers.remove(worker)) {
      metrics.workers(-1); // under the lock: counted before awaitTermination can return
      workerExited.signalAll();
      if (state.get() != PoolState.RUNNING && workers.isEmpty()) {
        terminateLocked();
      } else if (!queue.isEmpty()) {
        notEmpty.signal(); // a retiring worker may have consumed a signal meant for a job
      }
    }
    return null;
  }

  @GuardedBy("lock")
  private void terminateLocked() {
    if (state.get() == PoolState.TERMINATED) {
      return;
    }
    state.moveTo(PoolState.TERMINATED);
    lifetime.cancel(JobRunner.JOB_FINISHED); // releases its registration; nothing waits on it now
    metrics.terminated(capacity);
  }

  // ------------------------------------------------------------------ life cycle

  @Override
  public final void stop() {
    lock.lock();
    try {
      if (state.get() != PoolState.RUNNING) {
        return;
      }
      state.moveTo(PoolState.STOPPING);
      stoppedThreads = workers.threads();
      notEmpty.signalAll();
      notFull.signalAll();
      if (workers.isEmpty()) {
        terminateLocked(); // the queue is empty: a non-empty queue always has a worker
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@inheritDoc} The jobs returned are those still in the queue; workers waiting to send to a
   * results channel are released too.
   */
  @Override
  public final List<UnstartedJob> stopNow() {
    List<Job<?>> unstarted;
    List<Worker> running;
    lock.lock();
    try {
      if (state.get() >= PoolState.STOPPED_NOW) {
        return List.of();
      }
      if (state.get() == PoolState.RUNNING) {
        stoppedThreads = workers.threads();
      }
      state.moveTo(PoolState.STOPPED_NOW);
      unstarted = queue.drain();
      queued = 0;
      running = workers.snapshot();
      notEmpty.signalAll();
      notFull.signalAll();
      if (workers.isEmpty()) {
        terminateLocked();
      }
    } finally {
      lock.unlock();
    }
    lifetime.cancel(new PoolStoppedException(name));
    for (Worker worker : running) {
      worker.slot.stopNow(new PoolStoppedException(name));
    }
    List<UnstartedJob> report = new ArrayList<>(unstarted.size());
    for (Job<?> job : unstarted) {
      job.future.cancel(false);
      report.add(job.unstarted());
    }
    return report;
  }

  /** {@inheritDoc} It returns once the worker threads alive at the stop have ended, too. */
  @Override
  public final void awaitTermination() throws InterruptedException {
    state.awaitTerminated(false, 0);
    for (Thread thread : stoppedThreads()) {
      thread.join(); // a worker signals termination just before its thread ends
    }
  }

  /** {@inheritDoc} It returns once the worker threads alive at the stop have ended, too. */
  @Override
  public final boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + Checks.nonNegative(timeout, "timeout").toNanos();
    if (!state.awaitTerminated(true, deadline)) {
      return false;
    }
    for (Thread thread : stoppedThreads()) { // all started: each called exitLocked first
      long remaining = deadline - System.nanoTime();
      boolean ended = remaining > 0 ? thread.join(Duration.ofNanos(remaining)) : !thread.isAlive();
      if (!ended) {
        return false;
      }
    }
    return true;
  }

  private List<Thread> stoppedThreads() {
    lock.lock();
    try {
      return stoppedThreads;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits at most {@code timeout} until the pool has at most {@code count} workers: for example
   * until a dynamic pool has retired its idle workers down to its minimum.
   *
   * @param count the number of workers to wait for the pool to shrink to
   * @param timeout how long to wait at most; zero only checks
   * @return {@code true} if it has, {@code false} if the timeout elapsed first
   * @throws IllegalArgumentException if {@code count} or {@code timeout} is negative
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public final boolean awaitWorkersAtMost(int count, Duration timeout) throws InterruptedException {
    Checks.nonNegative(count, "worker count");
    long remaining = Checks.nonNegative(timeout, "timeout").toNanos();
    lock.lockInterruptibly();
    try {
      while (workers.size() > count) {
        if (remaining <= 0) {
          return false;
        }
        remaining = workerExited.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ state

  @Override
  public final String name() {
    return name;
  }

  /**
   * Returns how many jobs the queue holds at most.
   *
   * @return the queue's capacity, as the pool was built with
   */
  public final int queueCapacity() {
    return capacity;
  }

  /**
   * Returns how many accepted jobs wait in the queue now.
   *
   * @return the number of jobs accepted and not yet started
   */
  public final int queueSize() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns how many workers are alive now, busy or idle.
   *
   * @return the number of workers
   */
  public final int workerCount() {
    lock.lock();
    try {
      return workers.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns how many workers are waiting for a job now.
   *
   * @return the number of idle workers
   */
  public final int idleWorkerCount() {
    lock.lock();
    try {
      return workers.idle();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public final boolean isStopped() {
    return state.get() != PoolState.RUNNING;
  }

  @Override
  public final boolean isTerminated() {
    return state.get() == PoolState.TERMINATED;
  }

  /** Returns the minimum number of workers. */
  final int currentMin() {
    lock.lock();
    try {
      return workers.min();
    } finally {
      lock.unlock();
    }
  }

  /** Returns the maximum number of workers. */
  final int currentMax() {
    lock.lock();
    try {
      return workers.max();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Changes the worker bounds and idle timeout; validated by the caller. Extra workers retire when
   * they next look for a job; missing ones start at once.
   */
  final void resizeTo(int min, int max, Duration idleTimeout) {
    List<Worker> toStart = new ArrayList<>();
    lock.lock();
    try {
      workers.resize(min, max, idleTimeout);
      if (state.get() == PoolState.RUNNING) {
        while (workers.belowMin()) {
          toStart.add(workers.add(this));
        }
      }
      notEmpty.signalAll(); // idle workers re-read the bounds
    } finally {
      lock.unlock();
    }
    toStart.forEach(Worker::start);
  }

  final Duration currentIdleTimeout() {
    lock.lock();
    try {
      return Duration.ofNanos(workers.idleTimeoutNanos());
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ for the workers

  final String owner() {
    return owner;
  }

  final PoolMetrics metrics() {
    return metrics;
  }

  final JobRunner runner() {
    return runner;
  }

  final PoolState state() {
    return state;
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return getClass().getSimpleName()
          + "{name="
          + name
          + ", state="
          + state.describe()
          + ", workers="
          + workers.size()
          + ", idle="
          + workers.idle()
          + ", queued="
          + queue.size()
          + "/"
          + capacity
          + "}";
    } finally {
      lock.unlock();
    }
  }
}
