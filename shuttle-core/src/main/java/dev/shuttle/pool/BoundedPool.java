package dev.shuttle.pool;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.context.Cancellation;
import dev.shuttle.context.Contexts;
import dev.shuttle.context.Stoppable;
import dev.shuttle.inspect.BlockedOn;
import dev.shuttle.internal.BlockSite;
import dev.shuttle.internal.CallerSpans;
import dev.shuttle.internal.Checks;
import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.LiveGoroutine;
import dev.shuttle.internal.Rethrow;
import dev.shuttle.internal.run.TaskLauncher;
import dev.shuttle.telemetry.PoolAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs each job on a virtual thread of its own, but never more than {@code maxConcurrency} at once
 * (Go's bounded goroutine pool, a semaphore channel). The permit is taken by the submitter
 * <em>before</em> the thread starts, so {@code submit} is back-pressure: it waits while the limit
 * is reached, and no thread exists for a job that cannot run yet.
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
 * <p>The contract (spans, outcomes, life cycle, memory consistency) is {@link Pool}'s. What
 * differs: the pool has no queue, so "full" means {@code maxConcurrency} jobs are running, {@link
 * #stopNow()} always returns an empty list (every accepted job has started), and {@link #await()}
 * waits until no job runs without stopping the pool. The default span is {@code pool-task}; the
 * pool's span attributes are {@code worker_pool.name}, {@code task.id}, {@code pool.size} and
 * {@code job.queue_wait_ns} (the time the submitter waited for a permit). Each job also counts as a
 * goroutine ({@code shuttle.goroutine.*}).
 *
 * <p>Implementation note: {@code running} (the jobs holding a permit, each by its {@link JobSlot})
 * and {@code nextTaskId} are guarded by {@code lock}, and the {@link PoolState} moves under it.
 * Invariant: {@code running.size() <= maxConcurrency}; TERMINATED only when stopped and {@code
 * running} is empty. A submission linearises when it adds its slot to {@code running} under the
 * lock (the permit), after reading the state RUNNING under it; the job's completion removes the
 * slot under the lock, signals one waiting submitter ({@code permitFreed}) and, at zero, every
 * {@link #await} caller ({@code idle}), and terminates a stopped pool. Completion is the last thing
 * a job's thread does for the job, so once {@link #await} or {@link #awaitTermination} returns
 * every future is complete. {@code stopNow} moves the state under the lock, then stops each slot it
 * found (see {@link JobSlot}). A context-aware submitter registers {@link Cancellation#onDone} to
 * be woken when its context is cancelled; one that leaves without a permit passes its signal on.
 */
public final class BoundedPool implements Pool {
  private static final BlockSite WAITING_FOR_PERMIT =
      target -> {
        BoundedPool pool = (BoundedPool) target;
        return new BlockedOn.PoolQueue(pool.name, true, pool.running(), pool.maxConcurrency);
      };

  private final String name;
  private final String owner;
  private final int maxConcurrency;
  private final PoolMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition permitFreed = lock.newCondition();
  private final Condition idle = lock.newCondition();
  private final PoolState state = new PoolState(lock);
  private final JobRunner runner;

  @GuardedBy("lock")
  private final HashSet<JobSlot> running = new HashSet<>();

  @GuardedBy("lock")
  private long nextTaskId;

  BoundedPool(String name, int maxConcurrency) {
    this.name = name;
    this.owner = "pool " + name;
    this.maxConcurrency = maxConcurrency;
    this.metrics = new PoolMetrics(name, PoolAttributes.TYPE_BOUNDED, null);
    this.runner = new JobRunner(name, metrics, state, this::addSpanAttributes, Context.root());
  }

  /**
   * Returns a builder; every setting is optional.
   *
   * @return a new builder with every setting unset
   */
  public static BoundedPoolBuilder builder() {
    return new BoundedPoolBuilder();
  }

  /**
   * Returns a pool that runs at most {@code maxConcurrency} jobs at once, with a generated name.
   *
   * @param maxConcurrency the most jobs that may run at once
   * @return a running pool, with no thread started yet
   * @throws IllegalArgumentException if {@code maxConcurrency} is less than 1
   */
  public static BoundedPool create(int maxConcurrency) {
    return builder().maxConcurrency(maxConcurrency).build();
  }

  private void addSpanAttributes(Span span, Job<?> job, JobSlot slot, long waitNanos) {
    Attributes given = job.attributes;
    CallerSpans.putUnlessGiven(span, given, PoolAttributes.POOL_NAME, name);
    CallerSpans.putUnlessGiven(span, given, PoolAttributes.TASK_ID, job.id);
    CallerSpans.putUnlessGiven(span, given, PoolAttributes.POOL_SIZE, (long) maxConcurrency);
    CallerSpans.putUnlessGiven(span, given, PoolAttributes.JOB_QUEUE_WAIT_NS, waitNanos);
  }

  /** {@inheritDoc} The default span is {@code pool-task}; "full" means no permit is free. */
  @Override
  public <T> CompletableFuture<T> submit(Context context, Callable<T> job)
      throws InterruptedException {
    return submit(context, PoolAttributes.SPAN_POOL_TASK, Attributes.empty(), job);
  }

  @Override
  public <T> CompletableFuture<T> submit(
      Context context, String spanName, Attributes attributes, Callable<T> job)
      throws InterruptedException {
    Job<T> accepted = new Job<>(context, spanName, attributes, job, null);
    JobSlot slot = new JobSlot(0, null);
    long start = System.nanoTime();
    acquire(accepted, slot, true);
    return launch(accepted, slot, System.nanoTime() - start);
  }

  /** {@inheritDoc} The default span is {@code pool-task}; "full" means no permit is free. */
  @Override
  public <T> Optional<CompletableFuture<T>> trySubmit(Context context, Callable<T> job) {
    return trySubmit(context, PoolAttributes.SPAN_POOL_TASK, Attributes.empty(), job);
  }

  @Override
  public <T> Optional<CompletableFuture<T>> trySubmit(
      Context context, String spanName, Attributes attributes, Callable<T> job) {
    Job<T> accepted = new Job<>(context, spanName, attributes, job, null);
    JobSlot slot = new JobSlot(0, null);
    boolean acquired;
    try {
      acquired = acquire(accepted, slot, false);
    } catch (InterruptedException e) {
      throw new AssertionError("a non-blocking acquire does not wait", e);
    }
    return acquired ? Optional.of(launch(accepted, slot, 0)) : Optional.empty();
  }

  /**
   * Takes a permit for {@code job}, held by {@code slot}, and numbers the job; returns {@code
   * false} if {@code block} is false and no permit is free.
   */
  private boolean acquire(Job<?> job, JobSlot slot, boolean block) throws InterruptedException {
    Cancellation cancellation = Contexts.cancellation(job.context);
    if (block && cancellation.isDone()) {
      metrics.rejected(PoolMetrics.Rejection.CONTEXT_DONE);
      cancellation.throwIfDone();
    }
    Stoppable wakeUp = null;
    lock.lockInterruptibly();
    try {
      while (true) {
        if (state.get() != PoolState.RUNNING) {
          passOnSignalLocked();
          metrics.rejected(PoolMetrics.Rejection.STOPPED);
          throw new PoolStoppedException(name);
        }
        if (running.size() < maxConcurrency) {
          running.add(slot);
          job.id = ++nextTaskId;
          return true;
        }
        if (!block) {
          metrics.rejected(PoolMetrics.Rejection.QUEUE_FULL);
          return false;
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
    if (running.size() < maxConcurrency) {
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

  /** Gives back {@code slot}'s permit: the last thing a job's thread does for the job. */
  private void release(JobSlot slot) {
    lock.lock();
    try {
      running.remove(slot);
      permitFreed.signal();
      if (running.isEmpty()) {
        idle.signalAll();
        if (state.get() != PoolState.RUNNING) {
          state.moveTo(PoolState.TERMINATED);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private <T> CompletableFuture<T> launch(Job<T> job, JobSlot slot, long waitNanos) {
    try {
      // the job's own guard interrupts on cancellation (JobRunner): the launcher's must not
      TaskLauncher.launch(
          owner,
          Contexts.withoutInterrupt(job.context),
          null,
          Attributes.empty(),
          () -> {
            slot.boundTo(Thread.currentThread());
            Throwable failure = runner.run(job, slot, waitNanos, GoroutineRegistry.current());
            if (failure != null) {
              throw Rethrow.failure(failure); // counted as the goroutine's failure, as before
            }
          },
          failure -> release(slot));
    } catch (RuntimeException | Error e) { // the thread could not start: give the permit back
      release(slot);
      throw e;
    }
    return job.future;
  }

  /**
   * Waits until no job is running (Go's {@code Wait()}), without stopping the pool. Jobs submitted
   * meanwhile are waited for too.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public void await() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (!running.isEmpty()) {
        idle.await();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits at most {@code timeout} until no job is running, without stopping the pool.
   *
   * @param timeout how long to wait at most; zero only checks
   * @return {@code true} if none is running, {@code false} if the timeout elapsed first
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public boolean await(Duration timeout) throws InterruptedException {
    long remaining = Checks.nonNegative(timeout, "timeout").toNanos();
    lock.lockInterruptibly();
    try {
      while (!running.isEmpty()) {
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

  @Override
  public void stop() {
    lock.lock();
    try {
      if (state.get() != PoolState.RUNNING) {
        return;
      }
      state.moveTo(running.isEmpty() ? PoolState.TERMINATED : PoolState.STOPPING);
      permitFreed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** {@inheritDoc} The list is always empty: the pool has no queue, every accepted job started. */
  @Override
  public List<UnstartedJob> stopNow() {
    List<JobSlot> toStop;
    lock.lock();
    try {
      if (state.get() >= PoolState.STOPPED_NOW) {
        return List.of();
      }
      state.moveTo(running.isEmpty() ? PoolState.TERMINATED : PoolState.STOPPED_NOW);
      toStop = new ArrayList<>(running);
      permitFreed.signalAll();
    } finally {
      lock.unlock();
    }
    for (JobSlot slot : toStop) {
      slot.stopNow(new PoolStoppedException(name));
    }
    return List.of();
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    state.awaitTerminated(false, 0);
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + Checks.nonNegative(timeout, "timeout").toNanos();
    return state.awaitTerminated(true, deadline);
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Returns the most jobs that may run at once.
   *
   * @return the pool's maximum concurrency, as it was built with
   */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /**
   * Returns how many jobs are running now.
   *
   * @return the number of jobs holding a permit
   */
  public int running() {
    lock.lock();
    try {
      return running.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isStopped() {
    return state.get() != PoolState.RUNNING;
  }

  @Override
  public boolean isTerminated() {
    return state.get() == PoolState.TERMINATED;
  }

  @Override
  public String toString() {
    return "BoundedPool{name="
        + name
        + ", state="
        + state.describe()
        + ", running="
        + running()
        + "/"
        + maxConcurrency
        + "}";
  }
}
