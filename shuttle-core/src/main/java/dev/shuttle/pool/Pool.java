package dev.shuttle.pool;

import dev.shuttle.context.ContextDoneException;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * What every Shuttle pool does: accept jobs, run each in one span that is a child of the context
 * captured at submission, report how each ended, and stop either gracefully or at once. {@link
 * WorkerPool}, {@link DynamicWorkerPool} and {@link BoundedPool} implement it; code that only
 * submits and stops can take a {@code Pool}.
 *
 * {@snippet :
 * static List<String> fetchAll(Pool pool, List<URI> uris) throws InterruptedException {
 *   List<CompletableFuture<String>> pages = new ArrayList<>();
 *   for (URI uri : uris) {
 *     pages.add(pool.submit(Context.current(), "fetch", Attributes.of(URL, uri.toString()),
 *         () -> fetch(uri))); // one "fetch" span per page, child of the caller's span
 *   }
 *   return pages.stream().map(CompletableFuture::join).toList();
 * }
 * }
 *
 * <h2>Jobs and their spans</h2>
 *
 * <p>Each job runs in one span, child of the span in the context the job was submitted with (never
 * of a worker's), under a context derived from that one: the job sees the submitter's span as its
 * parent and the submitter's cancellation. The span is the pool's default ({@code process-job} for
 * the worker pools, {@code pool-task} for the bounded pool) or the name and attributes the
 * submitter gave; the pool adds its own attributes ({@code worker_pool.name}, the job's id, the
 * time it waited) to sampled spans only, except where the submitter already set the same key.
 *
 * <p>How a job ended is reported the same way by every pool: its future completes with the value or
 * with the very exception the job threw (also an {@link Error}, a "panic"); a failure sets the
 * span's status to error with {@code error.type} and records the exception; the {@code
 * worker_pool.jobs_processed} and {@code worker_pool.job_duration} metrics count it as {@code
 * success}, {@code failure}, or {@code canceled} when the job ended because its context was done
 * (its submitter's context was cancelled, or {@link #stopNow} cancelled it) or its future was
 * cancelled before it started. A job whose context is done is interrupted, as every Shuttle-owned
 * thread is (ADR 5).
 *
 * <h2>Life cycle</h2>
 *
 * <p>A pool is <em>running</em> (accepts jobs), then <em>stopped</em> by {@link #stop} (graceful:
 * no new jobs, every accepted job still runs) or {@link #stopNow} (at once: running jobs are
 * cancelled and interrupted, jobs not yet started are returned), and <em>terminated</em> once every
 * accepted job has ended. A submission that finds the pool stopped, or waits while it is stopped,
 * throws {@link PoolStoppedException}: no accepted job is ever silently lost. {@link #close()} is
 * {@link #stop()} then {@link #awaitTermination()}.
 *
 * <p>Memory consistency effects: actions in a thread before it submits a job happen-before the
 * job's actions, which happen-before the completion of the job's future (and the send of its {@link
 * JobResult}, where a results channel was given), and before {@link #awaitTermination()} returns.
 *
 * <p>Thread-safe: any thread may submit, stop or wait. Only Shuttle implements this interface.
 */
public sealed interface Pool extends AutoCloseable permits AbstractWorkerPool, BoundedPool {

  /**
   * Returns the pool's name: the {@code worker_pool.name} attribute of its spans and metrics.
   *
   * @return the name the pool was built with
   */
  String name();

  /**
   * Submits {@code job} to run under the current context, waiting while the pool is full.
   *
   * @param <T> the job's result type
   * @param job the work to run in the pool
   * @return a future completed with the job's result or exception
   * @throws NullPointerException if {@code job} is null
   * @throws PoolStoppedException if the pool is stopped, or is stopped while this call waits
   * @throws ContextDoneException if the current context is done before the job is accepted
   * @throws InterruptedException if the thread is interrupted before the job is accepted
   */
  default <T> CompletableFuture<T> submit(Callable<T> job) throws InterruptedException {
    return submit(Context.current(), job);
  }

  /**
   * Submits {@code job} to run under {@code context} in the pool's default span, child of {@code
   * context}'s span, waiting while the pool is full, but no longer than {@code context} allows.
   *
   * @param <T> the job's result type
   * @param context the context the job runs under: its span is the parent of the job's span, and
   *     its cancellation cancels the job and ends the wait for room
   * @param job the work to run in the pool
   * @return a future completed with the job's result or exception
   * @throws NullPointerException if {@code context} or {@code job} is null
   * @throws PoolStoppedException if the pool is stopped, or is stopped while this call waits
   * @throws ContextDoneException if {@code context} is done before the job is accepted
   * @throws InterruptedException if the thread is interrupted before the job is accepted
   */
  <T> CompletableFuture<T> submit(Context context, Callable<T> job) throws InterruptedException;

  /**
   * Submits {@code job} as {@link #submit(Context, Callable)} does, to run in a span that the
   * caller names and attributes instead of the pool's default: the job's one span, child of {@code
   * context}'s. The pool adds its own attributes except those whose keys {@code attributes} already
   * has: the caller's win.
   *
   * {@snippet :
   * pool.submit(Context.current(), "process-task", Attributes.of(TASK_ID, task.id()),
   *     () -> process(task)); // one span: process-task, with task.id and the pool's attributes
   * }
   *
   * @param <T> the job's result type
   * @param context the context the job runs under: its span is the parent of the job's span, and
   *     its cancellation cancels the job and ends the wait for room
   * @param spanName the name of the job's span
   * @param attributes attributes of the job's span, besides the pool's own
   * @param job the work to run in the pool
   * @return a future completed with the job's result or exception
   * @throws IllegalArgumentException if {@code spanName} is blank
   * @throws NullPointerException if an argument is null
   * @throws PoolStoppedException if the pool is stopped, or is stopped while this call waits
   * @throws ContextDoneException if {@code context} is done before the job is accepted
   * @throws InterruptedException if the thread is interrupted before the job is accepted
   */
  <T> CompletableFuture<T> submit(
      Context context, String spanName, Attributes attributes, Callable<T> job)
      throws InterruptedException;

  /**
   * Submits {@code job} under the current context only if the pool has room now.
   *
   * @param <T> the job's result type
   * @param job the work to run in the pool
   * @return the job's future, or empty if the pool is full (counted as rejected)
   * @throws NullPointerException if {@code job} is null
   * @throws PoolStoppedException if the pool is stopped
   */
  default <T> Optional<CompletableFuture<T>> trySubmit(Callable<T> job) {
    return trySubmit(Context.current(), job);
  }

  /**
   * Submits {@code job} under {@code context}, in the pool's default span, only if the pool has
   * room now.
   *
   * @param <T> the job's result type
   * @param context the context the job runs under: its span is the parent of the job's span, and
   *     its cancellation cancels the job
   * @param job the work to run in the pool
   * @return the job's future, or empty if the pool is full (counted as rejected)
   * @throws NullPointerException if {@code context} or {@code job} is null
   * @throws PoolStoppedException if the pool is stopped
   */
  <T> Optional<CompletableFuture<T>> trySubmit(Context context, Callable<T> job);

  /**
   * Submits {@code job} under {@code context} only if the pool has room now, in a span named and
   * attributed by the caller as {@link #submit(Context, String, Attributes, Callable)} describes.
   *
   * @param <T> the job's result type
   * @param context the context the job runs under: its span is the parent of the job's span, and
   *     its cancellation cancels the job
   * @param spanName the name of the job's span
   * @param attributes attributes of the job's span, besides the pool's own
   * @param job the work to run in the pool
   * @return the job's future, or empty if the pool is full (counted as rejected)
   * @throws IllegalArgumentException if {@code spanName} is blank
   * @throws NullPointerException if an argument is null
   * @throws PoolStoppedException if the pool is stopped
   */
  <T> Optional<CompletableFuture<T>> trySubmit(
      Context context, String spanName, Attributes attributes, Callable<T> job);

  /**
   * Stops accepting jobs; every job already accepted still runs and its result is delivered.
   * Returns at once: use {@link #awaitTermination()} (or {@link #close()}) to wait. Submitters
   * waiting for room get {@link PoolStoppedException}. Idempotent.
   */
  void stop();

  /**
   * Stops at once: removes the jobs that were accepted but not started and returns them (their
   * futures are cancelled, and they are not counted as processed), cancels the contexts of running
   * jobs (the cause is a {@link PoolStoppedException}) and interrupts their threads (their futures
   * complete when the jobs end, with what they returned or threw; one that throws counts as {@code
   * canceled}), and tells waiting submitters {@link PoolStoppedException}. Returns without waiting
   * for running jobs to react; use {@link #awaitTermination()} for that. Calling it again returns
   * an empty list.
   *
   * @return the jobs that were accepted but never started, in submission order
   */
  List<UnstartedJob> stopNow();

  /**
   * Waits until the pool has terminated: it was stopped, and every accepted job has ended.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  void awaitTermination() throws InterruptedException;

  /**
   * Waits at most {@code timeout} until the pool has terminated.
   *
   * @param timeout how long to wait at most; zero only checks
   * @return {@code true} if it terminated, {@code false} if the timeout elapsed first
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  boolean awaitTermination(Duration timeout) throws InterruptedException;

  /**
   * Stops the pool and waits for every accepted job to end ({@link #stop()} then {@link
   * #awaitTermination()}). If the thread is interrupted while waiting, it stops the pool now
   * ({@link #stopNow()}), keeps waiting, and restores the interrupt flag, as {@link
   * java.util.concurrent.ExecutorService#close()} does. Idempotent.
   */
  @Override
  default void close() {
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

  /**
   * Returns {@code true} once {@link #stop()} or {@link #stopNow()} was called.
   *
   * @return whether the pool no longer accepts jobs
   */
  boolean isStopped();

  /**
   * Returns {@code true} once the pool is stopped and every accepted job has ended.
   *
   * @return whether the pool has terminated
   */
  boolean isTerminated();
}
