package dev.shuttle.pool;

import dev.shuttle.context.CancelableContext;
import org.jspecify.annotations.Nullable;

/**
 * Where jobs run, as {@link Pool#stopNow} sees it: a worker of a worker pool, or the thread of one
 * bounded-pool task. It publishes the thread and the context of the job running there, so that
 * {@code stopNow} can cancel the job and interrupt its thread.
 *
 * <p>Implementation note: both fields are volatile. The thread that runs a job writes {@code
 * thread}, then {@code current}, then reads the pool's state; {@code stopNow} writes the state,
 * then reads {@code current} and {@code thread}. So either the job's thread sees STOPPED_NOW and
 * cancels the job itself ({@link JobRunner}), or {@code stopNow} sees the job and cancels it: never
 * neither.
 */
final class JobSlot {
  /** The worker's id ({@code worker.id}); 0 for a bounded-pool task. */
  final long id;

  private volatile @Nullable Thread thread;
  private volatile @Nullable CancelableContext current;

  JobSlot(long id, @Nullable Thread thread) {
    this.id = id;
    this.thread = thread;
  }

  /** Records the thread that runs this slot's jobs; called by that thread before its first job. */
  void boundTo(Thread runner) {
    this.thread = runner;
  }

  /** Publishes the context of the job that starts now, or {@code null} when it has ended. */
  void running(@Nullable CancelableContext jobContext) {
    this.current = jobContext;
  }

  /** Cancels the running job, if any, with {@code cause} and interrupts the slot's thread. */
  void stopNow(PoolStoppedException cause) {
    CancelableContext running = current;
    if (running != null) {
      running.cancel(cause);
    }
    Thread runner = thread;
    if (runner != null) {
      runner.interrupt();
    }
  }
}
