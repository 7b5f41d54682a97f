package dev.shuttle.pool;

import io.opentelemetry.context.Context;
import java.util.concurrent.Callable;

/**
 * A job that {@code stopNow()} took off the queue before any worker started it; its future was
 * cancelled. Returned so that the caller can run, persist or report it: nothing is dropped
 * silently.
 *
 * @param jobId the pool-assigned number of the job
 * @param job the job as it was submitted
 * @param context the context captured when it was submitted
 */
public record UnstartedJob(long jobId, Callable<?> job, Context context) {}
