package dev.shuttle.pool;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.channel.Channel;
import dev.shuttle.channel.ChannelClosedException;
import dev.shuttle.channel.Message;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Cancellation;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import dev.shuttle.context.Stoppable;
import dev.shuttle.inspect.BlockedOn;
import dev.shuttle.internal.BlockSite;
import dev.shuttle.internal.CallerSpans;
import dev.shuttle.internal.Checks;
import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.LiveGoroutine;
import dev.shuttle.internal.run.InterruptOnCancel;
import dev.shuttle.internal.run.SpanOutcome;
import dev.shuttle.telemetry.PoolAttributes;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The queue, workers and life cycle shared by {@link WorkerPool} (fixed) and {@link
 * DynamicWorkerPool}: jobs wait in a bounded FIFO queue and a set of worker virtual threads runs
 * them, each inside one span that is a child of the context captured at submission: {@code
 * process-job}, or the span the submitter named and attributed.
 *
 * <h2>Life cycle</h2>
 *
 * <p>RUNNING accepts jobs. {@link #stop()} moves to STOPPING: no new jobs, every accepted job still
 * runs and its result is delivered, then the workers exit. {@link #stopNow()} moves to STOPPED_NOW:
 * queued jobs are removed and returned, running jobs' contexts are cancelled and their workers
 * interrupted. When the last worker has exited after either, the pool is TERMINATED, and {@link
 * #awaitTermination()} returns once the worker threads alive at the stop have ended. A submission
 * that finds the pool not RUNNING throws {@link PoolStoppedException}.
 *
 * <p>Memory consistency effects: actions in a thread before it submits a job happen-before the
 * job's actions, which happen-before the completion of the job's future (and the send of its {@link
 * JobResult}, if a results channel was given), and before {@link #awaitTermination()} returns.
 *
 * <h2>Implementation note</h2>
 *
 * <p>One {@link ReentrantLock} guards the queue, the worker set, the sizing parameters and the
 * state (which is also volatile so that workers can read it without the lock). Conditions: {@code
 * notEmpty} (idle workers wait), {@code notFull} (blocked submitters wait), {@code terminated}
 * ({@link #awaitTermination} waits), {@code workerExited} ({@link #awaitWorkersAtMost} waits;
 * signalled by every worker that leaves the set). No {@code synchronized}: a virtual thread parked
 * here does not pin its carrier.
 *
 * <p>Invariants while the lock is free: {@code queue.size() <= capacity}; {@code workers.size() >=
 * 1} whenever the queue is not empty and the state is RUNNING or STOPPING (a submission that finds
 * no worker starts one); TERMINATED only when the worker set is empty and the queue is empty;
 * {@code idleWorkers} counts the workers inside {@code notEmpty.await}. The state only moves
 * forward: RUNNING, STOPPING, STOPPED_NOW, TERMINATED (STOPPING may be skipped).
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
 * decision is still made under it.
 *
 * <p>Cancelling a running job: while a job runs, an {@link InterruptOnCancel} guard armed on the
 * submitter's context interrupts the worker if that context is done, and clears its interrupt
 * before the worker delivers the result or takes the next job.
 *
 * <p>Stopping a running job: each job runs under {@code withCancel(submitter's context)}, published
 * in its worker's volatile {@code current} field before the worker re-reads the state; {@code
 * stopNow} writes the state before it reads every {@code current}, so either the worker sees
 * STOPPED_NOW and cancels the job itself, or {@code stopNow} sees the job and cancels it.
 *
 * <p>Results: the job's future is completed first; the results channel, if one was given, is sent
 * to afterwards under the pool's lifetime context, which {@code stopNow} cancels, so a worker
 * blocked on a channel nobody drains is released by {@code stopNow} and never blocks forever.
 */
public abstract sealed class AbstractWorkerPool implements AutoCloseable
    permits WorkerPool, DynamicWorkerPool {
  private static final int RUNNING = 0;
  private static final int STOPPING = 1;
  private static final int STOPPED_NOW = 2;
  private static final int TERMINATED = 3;

  /**
   * How many times an idle worker or a waiting submitter spins (outside the lock) before it parks;
   * system property {@code dev.shuttle.pool.spins} (0 turns spinning off).
   */
  private static final int SPINS = Math.max(0, Integer.getInteger("dev.shuttle.pool.spins", 64));

  /** The cause given to a job's own context when the job ends: preallocated, no stack walk. */
  @SuppressWarnings("StaticAssignmentOfThrowable") // on purpose: one per pool class, not per job
  private static final ContextDoneException JOB_FINISHED =
      new ContextDoneException(ContextError.CANCELED, null);

  private final String name;
  private final String owner;
  private final int capacity;

  private static final BlockSite WAITING_FOR_ROOM =
      target -> ((AbstractWorkerPool) target).queueState(true);
  private static final BlockSite WAITING_FOR_JOB =
      target -> ((AbstractWorkerPool) target).queueState(false);
  private final PoolMetrics metrics;
  private final CancelableContext lifetime = Contexts.withCancel(Context.root());

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final Condition terminated = lock.newCondition();
  private final Condition workerExited = lock.newCondition();

  @GuardedBy("lock")
  private final ArrayDeque<Job<?>> queue;

  @GuardedBy("lock")
  private final HashSet<Worker> workers = new HashSet<>();

  @GuardedBy("lock")
  private int idleWorkers;

  @GuardedBy("lock")
  private int minWorkers;

  @GuardedBy("lock")
  private int maxWorkers;

  @GuardedBy("lock")
  private long idleTimeoutNanos;

  private final int growThreshold;

  @GuardedBy("lock")
  private long nextWorkerId;

  @GuardedBy("lock")
  private long nextJobId;

  // the threads of the workers alive when the pool was stopped, joined by awaitTermination so
  // that no worker thread is alive once it returns
  @GuardedBy("lock")
  private List<Thread> stoppedThreads = List.of();

  // written under lock; read without it by workers
  private volatile int state = RUNNING;

  // queue.size(), written under lock; read without it by a worker spinning before it parks
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
    this.minWorkers = minWorkers;
    this.maxWorkers = maxWorkers;
    this.growThreshold = growThreshold;
    this.idleTimeoutNanos = idleTimeout.toNanos();
    this.queue = new ArrayDeque<>(Math.min(capacity, 1024));
    this.metrics = new PoolMetrics(name, type);
    metrics.opened(capacity);
    List<Worker> initial = new ArrayList<>(minWorkers);
    lock.lock();
    try {
      for (int i = 0; i < minWorkers; i++) {
        initial.add(newWorkerLocked());
      }
    } finally {
      lock.unlock();
    }
    initial.forEach(Worker::start);
  }

  // ------------------------------------------------------------------ submission

  /**
   * Submits {@code job} to run under the current context, waiting while the queue is full.
   *
   * @return a future completed with the job's result or exception
   * @throws PoolStoppedException if the pool is stopped, or is stopped while this call waits
   * @throws ContextDoneException if the current context is done before the job is accepted
   * @throws InterruptedException if the thread is interrupted before the job is accepted
   */
  public final <T> CompletableFuture<T> submit(Callable<T> job) throws InterruptedException {
    return submit(Context.current(), job);
  }

  /**
   * Submits {@code job} to run under {@code context} in a {@code process-job} span, child of {@code
   * context}'s span, waiting while the queue is full, but no longer than {@code context} allows.
   *
   * @return a future completed with the job's result or exception
   * @throws PoolStoppedException if the pool is stopped, or is stopped while this call waits
   * @throws ContextDoneException if {@code context} is done before the job is accepted
   * @throws InterruptedException if the thread is interrupted before the job is accepted
   */
  public final <T> CompletableFuture<T> submit(Context context, Callable<T> job)
      throws InterruptedException {
    return submit(context, PoolAttributes.SPAN_PROCESS_JOB, Attributes.empty(), job);
  }

  /**
   * Submits {@code job} as {@link #submit(Context, Callable)} does, to run in a span that the
   * caller names and attributes instead of {@code process-job}: the job's one span, child of {@code
   * context}'s. The pool adds its own attributes to it ({@code worker_pool.name}, {@code job.id},
   * {@code worker.id}, {@code job.queue_wait_ns}) except those whose names {@code attributes}
   * already has: the caller's win.
   *
   * {@snippet :
   * pool.submit(Context.current(), "process-task", Attributes.of(TASK_ID, task.id()),
   *     () -> process(task)); // one span: process-task, with task.id, worker.id, ...
   * }
   *
   * @return a future completed with the job's result or exception
   * @throws IllegalArgumentException if {@code spanName} is blank
   * @throws PoolStoppedException if the pool is stopped, or is stopped while this call waits
   * @throws ContextDoneException if {@code context} is done before the job is accepted
   * @throws InterruptedException if the thread is interrupted before the job is accepted
   */
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
   * @throws PoolStoppedException if the pool is stopped, or is stopped while this call waits
   * @throws ContextDoneException if {@code context} is done before the job is accepted
   * @throws InterruptedException if the thread is interrupted before the job is accepted
   */
  public final <T> CompletableFuture<T> submit(
      Context context, Callable<T> job, Channel<? super JobResult<T>> results)
      throws InterruptedException {
    return submit(context, PoolAttributes.SPAN_PROCESS_JOB, Attributes.empty(), job, results);
  }

  /**
   * Submits {@code job} as {@link #submit(Context, Callable, Channel)} does, in a span named and
   * attributed by the caller as {@link #submit(Context, String, Attributes, Callable)} describes.
   *
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
      Channel<? super JobResult<T>> results)
      throws InterruptedException {
    Objects.requireNonNull(results, "results");
    Job<T> accepted = enqueue(new Job<>(context, spanName, attributes, job, results), true);
    return Objects.requireNonNull(accepted, "a blocking enqueue returns a job").future;
  }

  /**
   * Submits {@code job} under the current context only if the queue has room now.
   *
   * @return the job's future, or empty if the queue is full (counted as rejected)
   * @throws PoolStoppedException if the pool is stopped
   */
  public final <T> Optional<CompletableFuture<T>> trySubmit(Callable<T> job) {
    return trySubmit(Context.current(), job);
  }

  /**
   * Submits {@code job} under {@code context} only if the queue has room now.
   *
   * @return the job's future, or empty if the queue is full (counted as rejected)
   * @throws PoolStoppedException if the pool is stopped
   */
  public final <T> Optional<CompletableFuture<T>> trySubmit(Context context, Callable<T> job) {
    return trySubmit(context, PoolAttributes.SPAN_PROCESS_JOB, Attributes.empty(), job);
  }

  /**
   * Submits {@code job} under {@code context} only if the queue has room now, in a span named and
   * attributed by the caller as {@link #submit(Context, String, Attributes, Callable)} describes.
   *
   * @return the job's future, or empty if the queue is full (counted as rejected)
   * @throws IllegalArgumentException if {@code spanName} is blank
   * @throws PoolStoppedException if the pool is stopped
   */
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
    boolean accepted = false;
    boolean spun = false;
    // Counted before the job can be taken, so the gauge never goes below zero; taken back while
    // this submitter waits for room, so that it counts accepted jobs only.
    metrics.enqueued();
    boolean counted = true;
    try {
      lock.lockInterruptibly();
    } catch (InterruptedException e) {
      metrics.discarded(1);
      throw e;
    }
    try {
      while (true) {
        if (state != RUNNING) {
          passOnSignalLocked();
          metrics.rejected(PoolMetrics.Rejection.STOPPED);
          throw new PoolStoppedException(name);
        }
        if (queue.size() < capacity) {
          break;
        }
        if (!block) {
          metrics.rejected(PoolMetrics.Rejection.QUEUE_FULL);
          return null;
        }
        if (counted) {
          metrics.discarded(1);
          counted = false;
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
            for (int i = 0; i < SPINS && queued >= capacity && state == RUNNING; i++) {
              Thread.onSpinWait();
            }
          } finally {
            lock.lock(); // not interruptibly: the outer finally unlocks
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
      if (!counted) {
        metrics.enqueued(); // after a wait only: under the lock, before a worker can take it
        counted = true;
      }
      job.id = ++nextJobId;
      job.enqueuedNanos = waited ? System.nanoTime() : now;
      queue.addLast(job);
      queued = queue.size();
      accepted = true;
      if (idleWorkers > 0) {
        notEmpty.signal();
      }
      toStart = growLocked();
    } finally {
      lock.unlock();
      if (wakeUp != null) {
        wakeUp.stop();
      }
      if (!accepted && counted) {
        metrics.discarded(1);
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
    if (queue.size() < capacity) {
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

  /** Returns a new worker to start if the pool should grow, or {@code null}. */
  @GuardedBy("lock")
  private @Nullable Worker growLocked() {
    int size = workers.size();
    if (size >= maxWorkers) {
      return null;
    }
    if (size == 0 || size < minWorkers || queue.size() > growThreshold) {
      return newWorkerLocked();
    }
    return null;
  }

  @GuardedBy("lock")
  private Worker newWorkerLocked() {
    Worker worker = new Worker(++nextWorkerId);
    workers.add(worker);
    return worker;
  }

  // ------------------------------------------------------------------ workers

  /**
   * Takes the next job for {@code worker}, waiting while the queue is empty; returns {@code null}
   * when the worker must exit (pool stopping with an empty queue, stopped now, over the maximum, or
   * idle longer than the timeout while above the minimum), having removed it from the set.
   */
  private @Nullable Job<?> take(Worker worker) {
    boolean timedOut = false;
    boolean spun = false;
    lock.lock();
    try {
      while (true) {
        int s = state;
        if (s >= STOPPED_NOW || workers.size() > maxWorkers) {
          return exitLocked(worker);
        }
        Job<?> job = queue.pollFirst();
        if (job != null) {
          queued = queue.size();
          notFull.signal();
          return job;
        }
        boolean timed = workers.size() > minWorkers;
        if (s == STOPPING || (timed && timedOut)) {
          return exitLocked(worker);
        }
        if (!spun) { // a short spin outside the lock often saves a park and an unpark
          spun = true;
          lock.unlock();
          try {
            for (int i = 0; i < SPINS && queued == 0 && state == s; i++) {
              Thread.onSpinWait();
            }
          } finally {
            lock.lock();
          }
          continue;
        }
        spun = false;
        idleWorkers++;
        LiveGoroutine blocked = GoroutineRegistry.block(this, WAITING_FOR_JOB);
        try {
          if (timed) {
            timedOut = notEmpty.awaitNanos(idleTimeoutNanos) <= 0;
          } else {
            notEmpty.await();
          }
        } catch (InterruptedException e) {
          // stopNow interrupts idle workers; the loop re-reads the state
        } finally {
          idleWorkers--;
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

  @GuardedBy("lock")
  private @Nullable Job<?> exitLocked(Worker worker) {
    if (workers.remove(worker)) {
      metrics.workers(-1); // under the lock: counted before awaitTermination can return
      workerExited.signalAll();
      if (state != RUNNING && workers.isEmpty()) {
        terminateLocked();
      } else if (!queue.isEmpty()) {
        notEmpty.signal(); // a retiring worker may have consumed a signal meant for a job
      }
    }
    return null;
  }

  @GuardedBy("lock")
  private List<Thread> threadsLocked() {
    List<Thread> threads = new ArrayList<>(workers.size());
    for (Worker worker : workers) {
      threads.add(worker.thread);
    }
    return threads;
  }

  @GuardedBy("lock")
  private void terminateLocked() {
    if (state == TERMINATED) {
      return;
    }
    state = TERMINATED;
    terminated.signalAll();
    lifetime.cancel(JOB_FINISHED); // releases its registration; nothing waits on it any more
    metrics.terminated(capacity);
  }

  private <T> void runJob(Worker worker, Job<T> job) {
    long started = System.nanoTime();
    metrics.started(started - job.enqueuedNanos, true);
    if (job.future.isDone()) { // cancelled by its submitter before it started
      metrics.finished(PoolMetrics.Outcome.CANCELED, 0);
      return;
    }
    CancelableContext jobContext = Contexts.withCancel(job.context);
    worker.current = jobContext;
    if (state >= STOPPED_NOW) {
      jobContext.cancel(new PoolStoppedException(name));
    }
    SpanBuilder builder =
        ShuttleTelemetry.tracer().spanBuilder(job.spanName).setParent(jobContext.context());
    if (!job.attributes.isEmpty()) {
      builder.setAllAttributes(job.attributes); // the caller's, at the start: a sampler sees them
    }
    Span span = builder.startSpan();
    if (span.isRecording()) { // the pool's only for sampled spans: the unsampled path stays cheap
      Attributes given = job.attributes;
      CallerSpans.putUnlessGiven(span, given, PoolAttributes.POOL_NAME, name);
      CallerSpans.putUnlessGiven(span, given, PoolAttributes.JOB_ID, job.id);
      CallerSpans.putUnlessGiven(span, given, PoolAttributes.WORKER_ID, worker.id);
      CallerSpans.putUnlessGiven(
          span, given, PoolAttributes.JOB_QUEUE_WAIT_NS, started - job.enqueuedNanos);
    }
    T value = null;
    Throwable failure = null;
    boolean canceled = false;
    // On the submitter's context: stopNow interrupts by itself, and a context that can never be
    // done (the common case) arms nothing.
    InterruptOnCancel interrupt = InterruptOnCancel.arm(job.context);
    LiveGoroutine live = worker.live;
    if (live != null) {
      live.runIn(
          LiveGoroutine.RunningIn.own(
              job.spanName,
              span.getSpanContext(),
              Span.fromContext(jobContext.context()).getSpanContext()));
    }
    try (Scope ignored = jobContext.context().with(span).makeCurrent()) {
      value = job.callable.call();
    } catch (Throwable t) {
      failure = t;
    } finally {
      if (live != null) {
        live.runIn(LiveGoroutine.RunningIn.NONE);
      }
    }
    failure = interrupt.disarm(failure);
    try {
      if (failure != null) {
        canceled =
            jobContext.cancellation().isDone() || ContextDoneException.findIn(failure) != null;
        SpanOutcome.recordFailure(span, failure);
      }
    } finally {
      span.end();
      worker.current = null;
      jobContext.cancel(JOB_FINISHED); // unregisters from the submitter's context
    }
    PoolMetrics.Outcome outcome;
    if (failure == null) {
      outcome = PoolMetrics.Outcome.SUCCESS;
    } else if (canceled) {
      outcome = PoolMetrics.Outcome.CANCELED;
    } else {
      outcome = PoolMetrics.Outcome.FAILURE;
    }
    metrics.finished(outcome, System.nanoTime() - started);
    if (failure == null) {
      job.future.complete(value);
    } else {
      job.future.completeExceptionally(failure);
    }
    Channel<? super JobResult<T>> results = job.results;
    if (results != null) {
      deliver(results, job, value, failure);
    }
  }

  private <T> void deliver(
      Channel<? super JobResult<T>> results,
      Job<T> job,
      @Nullable T value,
      @Nullable Throwable failure) {
    JobResult<T> result =
        failure == null
            ? new JobResult.Success<>(job.id, value)
            : new JobResult.Failure<>(job.id, failure);
    try {
      results.sendMessage(lifetime.context(), new Message<>(result, job.context));
    } catch (ContextDoneException | ChannelClosedException notSent) {
      // stopNow, or the consumer closed the channel: the result stays in the future
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stopNow; take() re-reads the state
    }
  }

  // ------------------------------------------------------------------ life cycle

  /**
   * Stops accepting jobs; every job already accepted still runs and its result is delivered, then
   * the workers exit. Returns at once: use {@link #awaitTermination()} (or {@link #close()}) to
   * wait. Submitters waiting for room get {@link PoolStoppedException}. Idempotent.
   */
  public final void stop() {
    lock.lock();
    try {
      if (state != RUNNING) {
        return;
      }
      state = STOPPING;
      stoppedThreads = threadsLocked();
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
   * Stops at once: removes the jobs no worker has started and returns them (their futures are
   * cancelled), cancels the contexts of running jobs and interrupts their workers, and releases
   * workers waiting to send to a results channel. Returns without waiting for running jobs to
   * react; use {@link #awaitTermination()} for that.
   *
   * @return the jobs that were accepted but never started, in queue order
   */
  public final List<UnstartedJob> stopNow() {
    List<Job<?>> unstarted;
    List<Worker> running;
    lock.lock();
    try {
      if (state >= STOPPED_NOW) {
        return List.of();
      }
      if (state == RUNNING) {
        stoppedThreads = threadsLocked();
      }
      state = STOPPED_NOW;
      unstarted = new ArrayList<>(queue);
      queue.clear();
      queued = 0;
      metrics.discarded(unstarted.size());
      running = new ArrayList<>(workers);
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
      CancelableContext current = worker.current;
      if (current != null) {
        current.cancel(new PoolStoppedException(name));
      }
      worker.thread.interrupt();
    }
    List<UnstartedJob> report = new ArrayList<>(unstarted.size());
    for (Job<?> job : unstarted) {
      job.future.cancel(false);
      report.add(new UnstartedJob(job.id, job.callable, job.context));
    }
    return report;
  }

  /**
   * Waits until the pool has terminated: stopped, and every worker thread has ended.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public final void awaitTermination() throws InterruptedException {
    List<Thread> threads;
    lock.lockInterruptibly();
    try {
      while (state != TERMINATED) {
        terminated.await();
      }
      threads = stoppedThreads;
    } finally {
      lock.unlock();
    }
    for (Thread thread : threads) {
      thread.join(); // a worker signals termination just before its thread ends
    }
  }

  /**
   * Waits at most {@code timeout} until the pool has terminated.
   *
   * @return {@code true} if it terminated, {@code false} if the timeout elapsed first
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public final boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + Checks.nonNegative(timeout, "timeout").toNanos();
    List<Thread> threads;
    lock.lockInterruptibly();
    try {
      while (state != TERMINATED) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return false;
        }
        terminated.awaitNanos(remaining);
      }
      threads = stoppedThreads;
    } finally {
      lock.unlock();
    }
    for (Thread thread : threads) { // all started: each called exitLocked before TERMINATED
      long remaining = deadline - System.nanoTime();
      boolean ended = remaining > 0 ? thread.join(Duration.ofNanos(remaining)) : !thread.isAlive();
      if (!ended) {
        return false;
      }
    }
    return true;
  }

  /**
   * Waits at most {@code timeout} until the pool has at most {@code count} workers: for example
   * until a dynamic pool has retired its idle workers down to its minimum.
   *
   * @return {@code true} if it has, {@code false} if the timeout elapsed first
   * @throws IllegalArgumentException if {@code count} or {@code timeout} is negative
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public final boolean awaitWorkersAtMost(int count, Duration timeout) throws InterruptedException {
    if (count < 0) {
      throw new IllegalArgumentException("worker count must not be negative, but was " + count);
    }
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

  /**
   * Stops the pool and waits for every accepted job to finish ({@link #stop()} then {@link
   * #awaitTermination()}). If the thread is interrupted while waiting, it stops the pool now
   * ({@link #stopNow()}), keeps waiting, and restores the interrupt flag, as {@link
   * java.util.concurrent.ExecutorService#close()} does.
   */
  @Override
  public final void close() {
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

  // ------------------------------------------------------------------ state

  /** Returns the pool's name: the {@code worker_pool.name} attribute of its spans and metrics. */
  public final String name() {
    return name;
  }

  /** Returns how many jobs the queue holds at most. */
  public final int queueCapacity() {
    return capacity;
  }

  /** Returns how many accepted jobs wait in the queue now. */
  public final int queueSize() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Returns how many workers are alive now, busy or idle. */
  public final int workerCount() {
    lock.lock();
    try {
      return workers.size();
    } finally {
      lock.unlock();
    }
  }

  /** Returns how many workers are waiting for a job now. */
  public final int idleWorkerCount() {
    lock.lock();
    try {
      return idleWorkers;
    } finally {
      lock.unlock();
    }
  }

  /** Returns {@code true} once {@link #stop()} or {@link #stopNow()} was called. */
  public final boolean isStopped() {
    return state != RUNNING;
  }

  /** Returns {@code true} once the pool is stopped and every worker has exited. */
  public final boolean isTerminated() {
    return state == TERMINATED;
  }

  /** Returns the minimum number of workers. */
  final int currentMin() {
    lock.lock();
    try {
      return minWorkers;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the maximum number of workers. */
  final int currentMax() {
    lock.lock();
    try {
      return maxWorkers;
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
      minWorkers = min;
      maxWorkers = max;
      idleTimeoutNanos = idleTimeout.toNanos();
      if (state == RUNNING) {
        while (workers.size() < minWorkers) {
          toStart.add(newWorkerLocked());
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
      return Duration.ofNanos(idleTimeoutNanos);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return getClass().getSimpleName()
          + "{name="
          + name
          + ", state="
          + switch (state) {
            case RUNNING -> "running";
            case STOPPING -> "stopping";
            case STOPPED_NOW -> "stopped";
            default -> "terminated";
          }
          + ", workers="
          + workers.size()
          + ", idle="
          + idleWorkers
          + ", queued="
          + queue.size()
          + "/"
          + capacity
          + "}";
    } finally {
      lock.unlock();
    }
  }

  /**
   * One accepted job and the name and attributes of its span; {@code id} and {@code enqueuedNanos}
   * are written under the lock.
   */
  private static final class Job<T> {
    final Context context;
    final String spanName;
    final Attributes attributes;
    final Callable<T> callable;
    final @Nullable Channel<? super JobResult<T>> results;
    final CompletableFuture<T> future = new CompletableFuture<>();
    long id;
    long enqueuedNanos;

    Job(
        Context context,
        String spanName,
        Attributes attributes,
        Callable<T> callable,
        @Nullable Channel<? super JobResult<T>> results) {
      this.context = Objects.requireNonNull(context, "context");
      this.spanName = Checks.spanName(spanName);
      this.attributes = Objects.requireNonNull(attributes, "attributes");
      this.callable = Objects.requireNonNull(callable, "job");
      this.results = results;
    }
  }

  /** A worker: a virtual thread that takes jobs until {@link #take} tells it to exit. */
  private final class Worker implements Runnable {
    final long id;
    final Thread thread;
    volatile @Nullable CancelableContext current;
    @Nullable LiveGoroutine live; // this worker's registry record; read on its own thread only

    Worker(long id) {
      this.id = id;
      this.thread = Thread.ofVirtual().name("shuttle-pool-" + name + "-" + id).unstarted(this);
    }

    void start() {
      metrics.workers(1);
      thread.start();
    }

    @Override
    public void run() {
      live = GoroutineRegistry.register(owner, 0, null, Context.root(), Context.root());
      try {
        Job<?> job;
        while ((job = take(this)) != null) {
          runJob(this, job);
          if (state < STOPPED_NOW) {
            Thread.interrupted(); // a job's stray interrupt must not reach the next job
          }
        }
      } finally {
        GoroutineRegistry.deregister(live);
        Worker replacement = null;
        lock.lock();
        try {
          // still in the set only if an Error escaped runJob(): keep the count, replace the worker
          if (workers.contains(this)) {
            exitLocked(this);
            replacement = state == RUNNING ? growLocked() : null;
          }
        } finally {
          lock.unlock();
        }
        if (replacement != null) {
          replacement.start();
        }
      }
    }
  }
}
