package dev.shuttle.pool;

import dev.shuttle.channel.ChannelClosedException;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.SendChannel;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import dev.shuttle.internal.LiveGoroutine;
import dev.shuttle.internal.run.InterruptOnCancel;
import dev.shuttle.internal.run.SpanOutcome;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.jspecify.annotations.Nullable;

/**
 * Runs one job of a pool under its span and reports how it ended: the one place where every pool
 * maps an outcome (success, failure, cancellation, an {@link Error}) to the span's status and
 * {@code error.type}, the {@code job.outcome} of the metrics, the job's future and its {@link
 * JobResult}.
 *
 * <p>A job runs under {@code withCancel(submitter's context)}, published in its {@link JobSlot}
 * before the state is read (see there for the race with {@link Pool#stopNow}); while it runs, an
 * {@link InterruptOnCancel} guard armed on the submitter's context interrupts its thread if that
 * context is done ({@code stopNow} interrupts by itself, and a context that can never be done, the
 * common case, arms nothing). The job's future is completed after its span has ended and its
 * metrics are recorded; the results channel, if any, is sent to last, under the pool's {@code
 * resultsContext}, which {@code stopNow} cancels so that no worker waits forever on a channel
 * nobody drains.
 *
 * <p>Thread-safe: it holds no mutable state; each call runs on the thread that runs the job.
 */
final class JobRunner {
  /** The cause given to a job's own context when the job ends: preallocated, no stack walk. */
  @SuppressWarnings("StaticAssignmentOfThrowable") // on purpose: one for all pools, not one per job
  static final ContextDoneException JOB_FINISHED =
      new ContextDoneException(ContextError.CANCELED, null);

  /** Adds a pool's own attributes to a sampled job span, except those the submitter gave. */
  @FunctionalInterface
  interface PoolSpanAttributes {
    void addTo(Span span, Job<?> job, JobSlot slot, long waitNanos);
  }

  private final String poolName;
  private final PoolMetrics metrics;
  private final PoolState state;
  private final PoolSpanAttributes poolAttributes;
  private final Context resultsContext;

  JobRunner(
      String poolName,
      PoolMetrics metrics,
      PoolState state,
      PoolSpanAttributes poolAttributes,
      Context resultsContext) {
    this.poolName = poolName;
    this.metrics = metrics;
    this.state = state;
    this.poolAttributes = poolAttributes;
    this.resultsContext = resultsContext;
  }

  /**
   * Runs {@code job} on the current thread, in {@code slot}, and reports its outcome.
   *
   * @param waitNanos how long the job waited to start (in the queue, or for a permit)
   * @param live the current goroutine's registry record, or {@code null}
   * @return what the job threw (as the future holds it), or {@code null} if it returned
   */
  <T> @Nullable Throwable run(
      Job<T> job, JobSlot slot, long waitNanos, @Nullable LiveGoroutine live) {
    long started = System.nanoTime();
    metrics.started(waitNanos, job.context);
    if (job.future.isDone()) { // cancelled by its submitter before it started
      metrics.finished(PoolMetrics.Outcome.CANCELED, 0, job.context);
      return null;
    }
    CancelableContext jobContext = Contexts.withCancel(job.context);
    slot.running(jobContext);
    if (state.get() >= PoolState.STOPPED_NOW) {
      jobContext.cancel(new PoolStoppedException(poolName));
      Thread.currentThread().interrupt(); // as stopNow does to the threads it sees
    }
    SpanBuilder builder =
        ShuttleTelemetry.tracer().spanBuilder(job.spanName).setParent(jobContext.context());
    if (!job.attributes.isEmpty()) {
      builder.setAllAttributes(job.attributes); // the caller's, at the start: a sampler sees them
    }
    Span span = builder.startSpan();
    if (span.isRecording()) { // the pool's only for sampled spans: the unsampled path stays cheap
      poolAttributes.addTo(span, job, slot, waitNanos);
    }
    T value = null;
    Throwable failure = null;
    InterruptOnCancel interrupt = InterruptOnCancel.arm(job.context);
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
    boolean canceled = false;
    try {
      if (failure != null) {
        canceled =
            jobContext.cancellation().isDone() || ContextDoneException.findIn(failure) != null;
        SpanOutcome.recordFailure(span, failure);
      }
    } finally {
      span.end();
      slot.running(null);
      jobContext.cancel(JOB_FINISHED); // unregisters from the submitter's context
    }
    metrics.finished(outcome(failure, canceled), System.nanoTime() - started, job.context);
    if (failure == null) {
      job.future.complete(value);
    } else {
      job.future.completeExceptionally(failure);
    }
    SendChannel<? super JobResult<T>> results = job.results;
    if (results != null) {
      deliver(results, job, value, failure);
    }
    return failure;
  }

  private static PoolMetrics.Outcome outcome(@Nullable Throwable failure, boolean canceled) {
    if (failure == null) {
      return PoolMetrics.Outcome.SUCCESS;
    }
    return canceled ? PoolMetrics.Outcome.CANCELED : PoolMetrics.Outcome.FAILURE;
  }

  private <T> void deliver(
      SendChannel<? super JobResult<T>> results,
      Job<T> job,
      @Nullable T value,
      @Nullable Throwable failure) {
    JobResult<T> result =
        failure == null
            ? new JobResult.Success<>(job.id, value)
            : new JobResult.Failure<>(job.id, failure);
    try {
      results.sendMessage(resultsContext, new Message<>(result, job.context));
    } catch (ContextDoneException | ChannelClosedException notSent) {
      // stopNow, or the consumer closed the channel: the result stays in the future
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stopNow; the worker re-reads the state
    }
  }
}
