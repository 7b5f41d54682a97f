package dev.shuttle.pool;

import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.LiveGoroutine;
import io.opentelemetry.context.Context;

/**
 * One worker of a worker pool: a virtual thread that takes jobs from its pool's queue and runs them
 * with the pool's {@link JobRunner} until {@link AbstractWorkerPool#take} tells it to exit. It is
 * registered as a goroutine of the pool ({@code pool <name>}) for as long as it lives.
 *
 * <p>Thread-safety: the pool creates a worker under its lock and starts its thread after releasing
 * the lock; everything else runs on the worker's own thread. Its {@link JobSlot} is what {@link
 * Pool#stopNow} reaches from other threads.
 */
final class Worker implements Runnable {
  private final AbstractWorkerPool pool;
  final JobSlot slot;
  final Thread thread;

  Worker(AbstractWorkerPool pool, long id) {
    this.pool = pool;
    this.thread = Thread.ofVirtual().name("shuttle-pool-" + pool.name() + "-" + id).unstarted(this);
    this.slot = new JobSlot(id, thread);
  }

  /** Starts the worker's thread; called once, without the pool's lock. */
  void start() {
    pool.metrics().workers(1);
    thread.start();
  }

  @Override
  public void run() {
    LiveGoroutine live =
        GoroutineRegistry.register(pool.owner(), 0, null, Context.root(), Context.root());
    try {
      Job<?> job;
      while ((job = pool.take(this)) != null) {
        long waitNanos = System.nanoTime() - job.enqueuedNanos;
        pool.runner().run(job, slot, waitNanos, live);
        if (pool.state().get() < PoolState.STOPPED_NOW) {
          Thread.interrupted(); // a job's stray interrupt must not reach the next job
        }
      }
    } finally {
      GoroutineRegistry.deregister(live);
      pool.exited(this);
    }
  }
}
