package dev.shuttle.nats;

import dev.shuttle.Go;
import dev.shuttle.Spans;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import dev.shuttle.pool.PoolStoppedException;
import dev.shuttle.telemetry.PoolAttributes;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;
import io.nats.client.impl.NatsMessage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One delivery of one job to a worker process: decides whether it runs (not when its delivery count
 * is past the pool's attempts, its body cannot be decoded, its deadline has passed or its submitter
 * cancelled it), runs it on a goroutine under the carried context in a {@code process} span, and
 * settles the message exactly once: ack, nak with a backoff, or dead letter then ack; then replies
 * to the submitter.
 *
 * <p>Implementation note: {@link #handle()} runs on one goroutine (under the root context, never
 * interrupted), which starts the handler on a second goroutine under the job's context (interrupted
 * when that context is done) and joins it. The message is settled once: {@code settled} is claimed
 * by a CAS either by that goroutine after the handler returned or by {@link #stopNow()} on another
 * thread (which naks it); the loser leaves the message alone. {@code job} is written before the
 * delivery is published in the workers' running map and read only after it was found there.
 */
final class JobDelivery<J, R> {
  /** How long moving a job to the dead-letter stream may take before the job is nak-ed instead. */
  private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(30);

  private final WorkerSetup<J, R> setup;
  private final NatsWorkers workers;
  private final Message message;
  private final AtomicBoolean settled = new AtomicBoolean();
  private final long attempt;
  private final String jobId;
  private volatile @Nullable CancelableContext job;

  JobDelivery(WorkerSetup<J, R> setup, NatsWorkers workers, Message message) {
    this.setup = setup;
    this.workers = workers;
    this.message = message;
    NatsJetStreamMetaData meta = metaData(message);
    this.attempt = meta == null ? 1 : Math.max(1, meta.deliveredCount());
    String id =
        PoolHeaders.single(message.getHeaders(), PoolHeaders.JOB_ID, PoolHeaders.MAX_JOB_ID_LENGTH);
    if (id == null) {
      id = PoolHeaders.single(message.getHeaders(), "Nats-Msg-Id", PoolHeaders.MAX_JOB_ID_LENGTH);
    }
    this.jobId = id != null ? id : "stream-sequence-" + (meta == null ? 0 : meta.streamSequence());
  }

  String jobId() {
    return jobId;
  }

  /** Tells JetStream that the job is still being worked on, so that it is not delivered again. */
  void inProgress() {
    if (!settled.get()) {
      try {
        message.inProgress();
      } catch (RuntimeException notConnected) {
        // the next heartbeat tries again; past ackWait JetStream redelivers, as for a dead worker
      }
    }
  }

  /** Cancels the running job and naks it at once; returns {@code false} if it already settled. */
  boolean stopNow() {
    if (!settled.compareAndSet(false, true)) {
      return false;
    }
    settle(message::nak);
    CancelableContext running = job;
    if (running != null) {
      running.cancel(new PoolStoppedException(setup.settings().name()));
    }
    return true;
  }

  /** Cancels the running job because its submitter cancelled it, with the submitter's text. */
  void cancel(String submitterCause) {
    CancelableContext running = job;
    if (running != null) {
      running.cancel(new RemoteCancellationException(submitterCause));
    }
  }

  /** Decides, runs, settles and replies; never throws. */
  void handle() {
    setup.metrics().delivered(attempt);
    CarriedContext carried = NatsHeaders.read(message.getHeaders(), Context.root());
    Span span =
        NatsSpans.startConsumer(
            "process",
            carried.context(),
            Context.root(),
            setup.settings().spanRelation(),
            setup.settings().jobsSubject(),
            jobId);
    span.setAttribute(PoolAttributes.JOB_ATTEMPT, attempt);
    try {
      if (attempt > setup.settings().maxAttempts()) {
        String text =
            "delivered "
                + attempt
                + " times, more than maxAttempts "
                + setup.settings().maxAttempts()
                + " (a worker stopped or died holding it)";
        span.addEvent(text);
        deadLetter(span, text);
        return;
      }
      J value;
      try {
        value = setup.jobs().decode(message.getData() == null ? new byte[0] : message.getData());
      } catch (RuntimeException poison) {
        Spans.recordFailure(span, poison);
        deadLetter(span, PoolHeaders.errorText(poison));
        return;
      }
      String cancelled = carried.cancellation().orElseGet(() -> workers.recentCancel(jobId));
      Optional<Instant> deadline = carried.deadline();
      if (cancelled != null) {
        notStarted(span, NatsJobException.Outcome.CANCELED, ContextError.CANCELED, cancelled);
      } else if (deadline.isPresent() && !deadline.get().isAfter(Instant.now())) {
        notStarted(
            span,
            NatsJobException.Outcome.EXPIRED,
            ContextError.DEADLINE_EXCEEDED,
            "the deadline " + deadline.get() + " passed before a worker took the job");
      } else {
        run(span, carried, value);
      }
    } catch (RuntimeException | Error unexpected) {
      Spans.recordFailure(span, unexpected);
      if (settled.compareAndSet(false, true)) {
        settle(() -> message.nakWithDelay(setup.settings().backoff(attempt)));
      }
    } finally {
      span.end();
    }
  }

  private void notStarted(
      Span span, NatsJobException.Outcome outcome, ContextError err, String text) {
    Throwable cause =
        err == ContextError.DEADLINE_EXCEEDED
            ? new TimeoutException(text)
            : new RemoteCancellationException(text);
    Spans.recordFailure(span, new ContextDoneException(err, cause));
    settled.set(true);
    settle(message::term);
    setup.metrics().expired();
    reply(outcome.wireName(), text, new byte[0]);
  }

  private void run(Span span, CarriedContext carried, J value) {
    CancelableContext running = carried.cancelableContext();
    job = running;
    Context context = running.context().with(span);
    workers.started(this);
    try {
      String cancelled = workers.recentCancel(jobId); // a cancel that came while we registered
      if (cancelled != null) {
        running.cancel(new RemoteCancellationException(cancelled));
      }
      if (workers.stoppingNow()) {
        stopNow(); // the workers stopped now while this delivery registered: it never starts
        return;
      }
      long waitNanos = queueWaitNanos();
      setup.metrics().started(waitNanos, context);
      long start = System.nanoTime();
      byte[] result = null;
      Throwable failure = null;
      try {
        R returned = Go.start(context, () -> setup.handler().handle(context, value)).join();
        if (returned == null) {
          throw new IllegalStateException(
              "the handler returned null; a job's result is never null");
        }
        result = setup.results().encode(returned);
      } catch (Throwable t) {
        failure = t;
      }
      long ranNanos = System.nanoTime() - start;
      ContextError err = running.cancellation().err();
      Throwable cause = running.cancellation().cause();
      finish(span, context, ranNanos, result, failure, err, cause);
    } finally {
      workers.ended(this);
      running.cancel();
    }
  }

  private void finish(
      Span span,
      Context context,
      long ranNanos,
      byte @Nullable [] result,
      @Nullable Throwable failure,
      @Nullable ContextError err,
      @Nullable Throwable cause) {
    NatsPoolMetrics metrics = setup.metrics();
    if (!settled.compareAndSet(false, true)) {
      // stopNow took it (and nak-ed it): another worker runs it again
      metrics.finished(NatsPoolMetrics.Outcome.CANCELED, ranNanos, context);
      Spans.recordFailure(
          span, failure != null ? failure : new PoolStoppedException(setup.settings().name()));
      return;
    }
    if (failure == null && result != null) {
      metrics.finished(NatsPoolMetrics.Outcome.SUCCESS, ranNanos, context);
      settle(message::ack);
      reply(PoolHeaders.SUCCESS, null, result);
      return;
    }
    Throwable failed = failure != null ? failure : new IllegalStateException("no result");
    Spans.recordFailure(span, failed);
    if (err != null) {
      metrics.finished(NatsPoolMetrics.Outcome.CANCELED, ranNanos, context);
      NatsJobException.Outcome outcome =
          err == ContextError.DEADLINE_EXCEEDED
              ? NatsJobException.Outcome.EXPIRED
              : NatsJobException.Outcome.CANCELED;
      settle(message::term);
      String text =
          cause instanceof RemoteCancellationException remote && remote.getMessage() != null
              ? remote.getMessage()
              : PoolHeaders.errorText(cause != null ? cause : failed);
      reply(outcome.wireName(), text, new byte[0]);
      return;
    }
    metrics.finished(NatsPoolMetrics.Outcome.FAILURE, ranNanos, context);
    if (attempt < setup.settings().maxAttempts()) {
      settle(() -> message.nakWithDelay(setup.settings().backoff(attempt)));
      return;
    }
    deadLetter(span, PoolHeaders.errorText(failed));
  }

  /**
   * Publishes the job (body, headers, error text, attempts) to the dead-letter subject, then acks
   * it and replies; if the dead-letter stream cannot take it, naks it with a backoff instead (its
   * next delivery, past the attempts, comes back here).
   */
  private void deadLetter(Span span, String error) {
    settled.set(true);
    Headers headers =
        message.getHeaders() == null ? new Headers() : new Headers(message.getHeaders());
    headers.remove("Nats-Msg-Id");
    headers.put(PoolHeaders.JOB_ID, jobId);
    headers.put(PoolHeaders.ERROR, error);
    headers.put(PoolHeaders.ATTEMPTS, Long.toString(attempt));
    NatsJetStreamMetaData meta = metaData(message);
    String deadId = jobId + "/" + (meta == null ? 0 : meta.streamSequence());
    byte[] body = message.getData() == null ? new byte[0] : message.getData();
    try (CancelableContext timeout = Contexts.withTimeout(Context.root(), DEAD_LETTER_TIMEOUT)) {
      setup
          .publisher()
          .publish(timeout.context(), setup.settings().deadSubject(), headers, body, deadId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      settle(() -> message.nakWithDelay(setup.settings().backoff(attempt)));
      return;
    } catch (RuntimeException e) {
      Spans.recordFailure(span, e);
      settle(() -> message.nakWithDelay(setup.settings().backoff(attempt)));
      return;
    }
    settle(message::ack);
    setup.metrics().deadLettered();
    reply(NatsJobException.Outcome.DEAD_LETTERED.wireName(), error, new byte[0]);
  }

  /** Acks, naks or terms: fire-and-forget; a lost one means a redelivery, as for a dead worker. */
  private static void settle(Runnable ack) {
    try {
      ack.run();
    } catch (RuntimeException notConnected) {
      // JetStream delivers the job again after ackWait
    }
  }

  /** Sends the job's outcome to the submitter's inbox, if it gave one; best effort (core NATS). */
  private void reply(String outcome, @Nullable String error, byte[] body) {
    String replyTo = PoolHeaders.replyTo(message.getHeaders());
    if (replyTo == null) {
      return;
    }
    Headers headers = new Headers();
    headers.put(PoolHeaders.JOB_ID, jobId);
    headers.put(PoolHeaders.OUTCOME, outcome);
    headers.put(PoolHeaders.ATTEMPTS, Long.toString(attempt));
    if (error != null) {
      headers.put(PoolHeaders.ERROR, PoolHeaders.text(error));
    }
    try {
      setup
          .connection()
          .publish(NatsMessage.builder().subject(replyTo).headers(headers).data(body).build());
    } catch (RuntimeException notConnected) {
      // the submitter's result() keeps waiting under its own context
    }
  }

  private long queueWaitNanos() {
    NatsJetStreamMetaData meta = metaData(message);
    if (meta == null || meta.timestamp() == null) {
      return 0;
    }
    return Duration.between(meta.timestamp().toInstant(), Instant.now()).toNanos();
  }

  private static @Nullable NatsJetStreamMetaData metaData(Message message) {
    try {
      return message.isJetStream() ? message.metaData() : null;
    } catch (RuntimeException notJetStream) {
      return null;
    }
  }
}
