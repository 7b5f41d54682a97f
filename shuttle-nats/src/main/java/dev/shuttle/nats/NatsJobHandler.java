package dev.shuttle.nats;

import io.opentelemetry.context.Context;

/**
 * Runs one job of a {@link NatsWorkerPool} in a worker process and returns its result.
 *
 * {@snippet :
 * NatsWorkers workers = pool.startWorkers(4, (ctx, job) -> render(job));
 * }
 *
 * <p>Called concurrently, once per running job, each on a goroutine of its own: implementations
 * must be thread-safe.
 *
 * @param <J> the type of the jobs
 * @param <R> the type of the results
 */
@FunctionalInterface
public interface NatsJobHandler<J, R> {
  /**
   * Runs {@code job} and returns its result (never {@code null}).
   *
   * @param context the job's context, also current while this runs: the submitter's trace (the
   *     {@code process} span), baggage and deadline; cancelled (and the thread interrupted) when
   *     the deadline passes, the submitter cancels, or the workers are stopped now
   * @param job the decoded job
   * @return the job's result, which the pool's result codec encodes for the submitter
   * @throws Exception if the job failed: it is delivered again after a backoff, and moved to the
   *     dead-letter subject after the pool's last attempt
   */
  R handle(Context context, J job) throws Exception;
}
