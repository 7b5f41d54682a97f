package dev.shuttle.pool;

import com.google.errorprone.annotations.concurrent.GuardedBy;
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
import dev.shuttle.internal.run.TaskLauncher;
import dev.shuttle.telemetry.PoolAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Runs each task on a virtual thread of its own, but never more than {@code maxConcurrency} at once
 * (Go's bounded goroutine pool, a semaphore channel). The permit is taken by the submitter
 * <em>before</em> the thread starts, so {@code submit} is back-pressure: it waits while the limit
 * is reached, and no thread exists for a task that cannot run yet.
 *
 * {@snippet :
 * try (BoundedPool pool = BoundedPool.builder().name("downloads").maxConcurrency(8).build()) {
 *   for (URI uri : uris) {
 *     pool.submit(() -> download(uri)); // waits while 8 downloads are running
 *   }
 *   pool.await(); // Go's Wait()
 * }
 * }
 *
 * <p>Each task runs in one span, child of the context captured at submission: {@code pool-task}, or
 * the name and attributes the submitter gave to a {@code submit} that takes a span name — with the
 * pool's {@code task.id}, {@code pool.size} and the time the submitter waited for a permit added;
 * the pool records {@code worker_pool.active_workers} (tasks running), {@code jobs_processed},
 * {@code job_duration}, {@code jobs_rejected} and {@code queue.wait_duration} (time waiting for a
 * permit).
 *
 * <p>Memory consistency effects: actions in a thread before it submits a task happen-before the
 * task's actions, which happen-before the completion of the task's future and a return from {@link
 * #await}.
 *
 * <p>Implementation note: {@code running}, {@code stopped} and {@code nextTaskId} are guarded by
 * {@code lock}. Invariant: {@code 0 <= running <= maxConcurrency}. A submission linearises when it
 * increments {@code running} under the lock (the permit); the task's completion decrements it under
 * the lock and signals one waiting submitter ({@code permitFreed}) and, at zero, every {@link
 * #await} caller ({@code idle}). A context-aware submitter registers {@link Cancellation#onDone} to
 * be woken when its context is cancelled; one that leaves without a permit passes its signal on.
 * Thread-safe.
 */
public final class BoundedPool implements AutoCloseable {
  private static final AtomicLong UNNAMED = new AtomicLong();

  private final String name;
  private final String owner;

  private static final BlockSite WAITING_FOR_PERMIT =
      target -> {
        BoundedPool pool = (BoundedPool) target;
        return new BlockedOn.PoolQueue(pool.name, true, pool.running(), pool.maxConcurrency);
      };
  private final int maxConcurrency;
  private final PoolMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition permitFreed = lock.newCondition();
  private final Condition idle = lock.newCondition();

  @GuardedBy("lock")
  private int running;

  @GuardedBy("lock")
  private boolean stopped;

  @GuardedBy("lock")
  private long nextTaskId;

  private BoundedPool(String name, int maxConcurrency) {
    this.name = name;
    this.owner = "pool " + name;
    this.maxConcurrency = maxConcurrency;
    this.metrics = new PoolMetrics(name, PoolAttributes.TYPE_BOUNDED);
  }

  /** Returns a builder; every setting is optional. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a pool that runs at most {@code maxConcurrency} tasks at once, with a generated name.
   *
   * @throws IllegalArgumentException if {@code maxConcurrency} is less than 1
   */
  public static BoundedPool create(int maxConcurrency) {
    return builder().maxConcurrency(maxConcurrency).build();
  }

  /**
   * Starts {@code task} under the current context, waiting while {@code maxConcurrency} tasks run.
   *
   * @return a future completed with the task's result or exception
   * @throws PoolStoppedException if the pool is stopped, or is stopped while this call waits
   * @throws ContextDoneException if the current context is done before a permit is free
   * @throws InterruptedException if the thread is interrupted before a permit is free
   */
  public <T> CompletableFuture<T> submit(Callable<T> task) throws InterruptedException {
    return submit(Context.current(), task);
  }

  /**
   * Starts {@code task} under {@code context}, waiting while {@code maxConcurrency} tasks run, but
   * no longer than {@code context} allows.
   *
   * @return a future completed with the task's result or exception
   * @throws PoolStoppedException if the pool is stopped, or is stopped while this call waits
   * @throws ContextDoneException if {@code context} is done before a permit is free
   * @throws InterruptedException if the thread is interrupted before a permit is free
   */
  public <T> CompletableFuture<T> submit(Context context, Callable<T> task)
      throws InterruptedException {
    return submit(context, PoolAttributes.SPAN_POOL_TASK, Attributes.empty(), task);
  }

  /**
   * Starts {@code task} as {@link #submit(Context, Callable)} does, in a span that the caller names
   * and attributes instead of {@code pool-task}: the task's one span, child of {@code context}'s.
   * The pool adds its own attributes to it ({@code worker_pool.name}, {@code task.id}, {@code
   * pool.size}, {@code job.queue_wait_ns}) except those whose names {@code attributes} already has:
   * the caller's win.
   *
   * {@snippet :
   * pool.submit(Context.current(), "pool-task", Attributes.of(TASK_ID, "task-" + i),
   *     () -> download(uri)); // one span: pool-task, with the caller's task.id and pool.size
   * }
   *
   * @return a future completed with the task's result or exception
   * @throws IllegalArgumentException if {@code spanName} is blank
   * @throws PoolStoppedException if the pool is stopped, or is stopped while this call waits
   * @throws ContextDoneException if {@code context} is done before a permit is free
   * @throws InterruptedException if the thread is interrupted before a permit is free
   */
  public <T> CompletableFuture<T> submit(
      Context context, String spanName, Attributes attributes, Callable<T> task)
      throws InterruptedException {
    Run<T> run = new Run<>(context, spanName, attributes, task);
    long start = System.nanoTime();
    long id = acquire(Contexts.cancellation(context), true);
    return launch(run, id, System.nanoTime() - start);
  }

  /**
   * Starts {@code task} under the current context only if a permit is free now.
   *
   * @return the task's future, or empty if {@code maxConcurrency} tasks are running (counted as
   *     rejected)
   * @throws PoolStoppedException if the pool is stopped
   */
  public <T> Optional<CompletableFuture<T>> trySubmit(Callable<T> task) {
    return trySubmit(Context.current(), task);
  }

  /**
   * Starts {@code task} under {@code context} only if a permit is free now.
   *
   * @return the task's future, or empty if {@code maxConcurrency} tasks are running
   * @throws PoolStoppedException if the pool is stopped
   */
  public <T> Optional<CompletableFuture<T>> trySubmit(Context context, Callable<T> task) {
    return trySubmit(context, PoolAttributes.SPAN_POOL_TASK, Attributes.empty(), task);
  }

  /**
   * Starts {@code task} under {@code context} only if a permit is free now, in a span named and
   * attributed by the caller as {@link #submit(Context, String, Attributes, Callable)} describes.
   *
   * @return the task's future, or empty if {@code maxConcurrency} tasks are running
   * @throws IllegalArgumentException if {@code spanName} is blank
   * @throws PoolStoppedException if the pool is stopped
   */
  public <T> Optional<CompletableFuture<T>> trySubmit(
      Context context, String spanName, Attributes attributes, Callable<T> task) {
    Run<T> run = new Run<>(context, spanName, attributes, task);
    long id;
    try {
      id = acquire(Contexts.cancellation(context), false);
    } catch (InterruptedException e) {
      throw new AssertionError("a non-blocking acquire does not wait", e);
    }
    return id == 0 ? Optional.empty() : Optional.of(launch(run, id, 0));
  }

  /** Takes a permit and returns the task's id, or 0 if {@code block} is false and none is free. */
  private long acquire(Cancellation cancellation, boolean block) throws InterruptedException {
    if (block && cancellation.isDone()) {
      metrics.rejected(PoolMetrics.Rejection.CONTEXT_DONE);
      cancellation.throwIfDone();
    }
    Stoppable wakeUp = null;
    lock.lockInterruptibly();
    try {
      while (true) {
        if (stopped) {
          passOnSignalLocked();
          metrics.rejected(PoolMetrics.Rejection.STOPPED);
          throw new PoolStoppedException(name);
        }
        if (running < maxConcurrency) {
          running++;
          return ++nextTaskId;
        }
        if (!block) {
          metrics.rejected(PoolMetrics.Rejection.QUEUE_FULL);
          return 0;
        }
        if (wakeUp == null) {
          wakeUp = cancellation.onDone(this::wakeSubmitters);
        }
        if (cancellation.isDone()) {
          passOnSignalLocked();
          metrics.rejected(PoolMetrics.Rejection.CONTEXT_DONE);
          cancellation.throwIfDone();
        }
        LiveGoroutine blocked = GoroutineRegistry.block(this, WAITING_FOR_PERMIT);
        try {
          permitFreed.await();
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
      }
    } finally {
      lock.unlock();
      if (wakeUp != null) {
        wakeUp.stop();
      }
    }
  }

  @GuardedBy("lock")
  private void passOnSignalLocked() {
    if (running < maxConcurrency) {
      permitFreed.signal();
    }
  }

  private void wakeSubmitters() {
    lock.lock();
    try {
      permitFreed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void release() {
    lock.lock();
    try {
      running--;
      permitFreed.signal();
      if (running == 0) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  private <T> CompletableFuture<T> launch(Run<T> run, long id, long waitNanos) {
    run.id = id;
    run.waitNanos = waitNanos;
    try {
      TaskLauncher.launch(owner, run.context, run.spanName, run.attributes, run, run);
    } catch (RuntimeException | Error e) { // the thread could not start: give the permit back
      release();
      throw e;
    }
    return run.future;
  }

  /**
   * Waits until no task is running (Go's {@code Wait()}). Tasks submitted meanwhile are waited for
   * too.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public void await() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (running > 0) {
        idle.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits at most {@code timeout} until no task is running.
   *
   * @return {@code true} if none is running, {@code false} if the timeout elapsed first
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public boolean await(Duration timeout) throws InterruptedException {
    long remaining = Checks.nonNegative(timeout, "timeout").toNanos();
    lock.lockInterruptibly();
    try {
      while (running > 0) {
        if (remaining <= 0) {
          return false;
        }
        remaining = idle.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops accepting tasks; running tasks carry on. Submitters waiting for a permit get {@link
   * PoolStoppedException}. Idempotent.
   */
  public void stop() {
    lock.lock();
    try {
      stopped = true;
      permitFreed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the pool and waits for running tasks to finish. If interrupted while waiting, it keeps
   * waiting and restores the interrupt flag afterwards.
   */
  @Override
  public void close() {
    stop();
    boolean interrupted = false;
    while (true) {
      try {
        await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns the pool's name, the {@code worker_pool.name} attribute. */
  public String name() {
    return name;
  }

  /** Returns the most tasks that may run at once. */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /** Returns how many tasks are running now. */
  public int running() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  /** Returns {@code true} once {@link #stop()} was called. */
  public boolean isStopped() {
    lock.lock();
    try {
      return stopped;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "BoundedPool{name=" + name + ", running=" + running() + "/" + maxConcurrency + "}";
  }

  /**
   * One task: its context, span, body and completion, run by {@link TaskLauncher} on the task's
   * thread. {@code id} and {@code waitNanos} are written before the thread starts, which publishes
   * them to it.
   */
  private final class Run<T> implements TaskLauncher.Body, TaskLauncher.Completion {
    final Context context;
    final String spanName;
    final Attributes attributes;
    final Callable<T> task;
    final CompletableFuture<T> future = new CompletableFuture<>();
    long id;
    long waitNanos;
    @Nullable T value;
    long started;

    Run(Context context, String spanName, Attributes attributes, Callable<T> task) {
      this.context = Objects.requireNonNull(context, "context");
      this.spanName = Checks.spanName(spanName);
      this.attributes = Objects.requireNonNull(attributes, "attributes");
      this.task = Objects.requireNonNull(task, "task");
    }

    @Override
    public void run() throws Exception {
      started = System.nanoTime();
      metrics.started(waitNanos, false);
      Span span = Span.current(); // this task's span, which TaskLauncher started
      if (span.isRecording()) { // the pool's attributes only for sampled spans
        CallerSpans.putUnlessGiven(span, attributes, PoolAttributes.POOL_NAME, name);
        CallerSpans.putUnlessGiven(span, attributes, PoolAttributes.TASK_ID, id);
        CallerSpans.putUnlessGiven(
            span, attributes, PoolAttributes.POOL_SIZE, (long) maxConcurrency);
        CallerSpans.putUnlessGiven(span, attributes, PoolAttributes.JOB_QUEUE_WAIT_NS, waitNanos);
      }
      value = task.call();
    }

    @Override
    public void completed(@Nullable Throwable failure) {
      PoolMetrics.Outcome outcome;
      if (failure == null) {
        outcome = PoolMetrics.Outcome.SUCCESS;
      } else if (ContextDoneException.findIn(failure) != null) {
        outcome = PoolMetrics.Outcome.CANCELED;
      } else {
        outcome = PoolMetrics.Outcome.FAILURE;
      }
      metrics.finished(outcome, System.nanoTime() - started);
      try {
        if (failure == null) {
          future.complete(value);
        } else {
          future.completeExceptionally(failure);
        }
      } finally {
        release(); // last: once await() returns, every future is complete
      }
    }
  }

  /**
   * Configures a {@link BoundedPool}; each setting is validated when set, once. Not thread-safe.
   */
  public static final class Builder {
    private String name = "";
    private int maxConcurrency = -1;

    private Builder() {}

    /**
     * Sets the pool's name (the {@code worker_pool.name} attribute); default {@code
     * bounded-pool-<n>}.
     *
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws IllegalStateException if the name was already set
     */
    public Builder name(String name) {
      Checks.notSet(!this.name.isEmpty(), "name", this.name);
      this.name = Checks.name(name);
      return this;
    }

    /**
     * Sets the most tasks that may run at once; default {@link Runtime#availableProcessors()}.
     *
     * @throws IllegalArgumentException if {@code maxConcurrency} is less than 1
     * @throws IllegalStateException if it was already set
     */
    public Builder maxConcurrency(int maxConcurrency) {
      Checks.notSet(this.maxConcurrency != -1, "maxConcurrency", this.maxConcurrency);
      this.maxConcurrency = Checks.positive(maxConcurrency, "maxConcurrency");
      return this;
    }

    /** Builds the pool. */
    public BoundedPool build() {
      int max = maxConcurrency != -1 ? maxConcurrency : Runtime.getRuntime().availableProcessors();
      String poolName = name.isEmpty() ? "bounded-pool-" + UNNAMED.incrementAndGet() : name;
      return new BoundedPool(poolName, max);
    }
  }
}
