package dev.shuttle.nats;

import dev.shuttle.Spans;
import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import dev.shuttle.context.Stoppable;
import io.nats.client.Connection;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * A worker pool across processes on NATS JetStream: any process submits jobs, workers in any
 * process run them, each job at least once, with the submitter's trace, baggage and deadline.
 *
 * {@snippet :
 * NatsWorkerPool<Image, Thumbnail> pool =
 *     NatsWorkerPool.builder(connection, "thumbnails", Codec.json(Image.class), Codec.json(Thumbnail.class))
 *         .maxAttempts(5)
 *         .build();
 *
 * // worker processes
 * NatsWorkers workers = pool.startWorkers(4, (ctx, image) -> render(image));
 *
 * // submitting processes
 * NatsJob<Thumbnail> job = pool.submit(ctx, new Image("cat.png"));
 * Thumbnail thumbnail = job.result(ctx);
 * }
 *
 * <p>On JetStream: jobs are stored in the stream {@code shuttle-pool-<name>} (work-queue retention,
 * file storage, at most {@code capacity} jobs: {@code submit} waits while it is full) on subject
 * {@code shuttle.pool.<name>.jobs}, and taken by the durable pull consumer {@code workers}, which
 * every worker process shares. A job is acknowledged when its handler returns; one that fails is
 * delivered again after a backoff, and after {@code maxAttempts} deliveries (or at once if its body
 * cannot be decoded) it is moved, with its headers, {@code Shuttle-Error} and {@code
 * Shuttle-Attempts}, to the stream {@code shuttle-pool-<name>-dead} (subject {@code
 * shuttle.pool.<name>.dead}). A job whose submitter's deadline passed, or whose submitter cancelled
 * it, before a worker took it is not started; a running one is cancelled then. Outcomes come back
 * to the submitter's inbox over core NATS. The full account is in {@code docs/nats.md}.
 *
 * <p>Delivery: enqueue is exactly-once within JetStream's duplicate window (the job id is the
 * {@code Nats-Msg-Id}); processing is at-least-once: a worker that dies after the handler returned
 * and before its acknowledgement reached the server makes the job run again.
 *
 * <p>Thread-safe: any thread may submit, start workers or close.
 *
 * <p>Implementation note: the pool holds immutable settings and codecs; its one piece of shared
 * state, the submitter's inbox and the outcomes it waits for, is {@link JobResults}'s.
 *
 * @param <J> the type of the jobs
 * @param <R> the type of the results
 */
public final class NatsWorkerPool<J, R> implements AutoCloseable {
  /** How long one publish waits for JetStream's acknowledgement before it is tried again. */
  private static final Duration PUBLISH_ACK_TIMEOUT = Duration.ofSeconds(5);

  private final Connection connection;
  private final PoolSettings settings;
  private final Codec<J> jobs;
  private final Codec<R> results;
  private final Publisher publisher;
  private final JobResults outcomes;
  private final NatsPoolMetrics metrics;

  NatsWorkerPool(Connection connection, PoolSettings settings, Codec<J> jobs, Codec<R> results)
      throws IOException {
    this.connection = connection;
    this.settings = settings;
    this.jobs = jobs;
    this.results = results;
    this.publisher = new Publisher(connection.jetStream(), PUBLISH_ACK_TIMEOUT);
    this.outcomes = new JobResults(connection);
    this.metrics = new NatsPoolMetrics(settings.name());
  }

  /**
   * Returns a builder of the pool {@code name} on {@code connection}, whose jobs are {@code J}s
   * written by {@code jobs} and whose results are {@code R}s written by {@code results}.
   *
   * @param <J> the type of the jobs
   * @param <R> the type of the results
   * @param connection the NATS connection the pool uses; it stays the caller's to close
   * @param name 1 to 64 letters, digits, {@code -} or {@code _}: it names the streams and subjects
   * @param jobs turns jobs into message bodies and back
   * @param results turns results into message bodies and back
   * @return a new builder
   * @throws IllegalArgumentException if {@code name} is not such a name
   * @throws NullPointerException if an argument is null
   */
  public static <J, R> NatsWorkerPoolBuilder<J, R> builder(
      Connection connection, String name, Codec<J> jobs, Codec<R> results) {
    return new NatsWorkerPoolBuilder<>(connection, name, jobs, results);
  }

  /**
   * Returns the pool's name: {@code worker_pool.name} on its metrics.
   *
   * @return the name given to {@link #builder}
   */
  public String name() {
    return settings.name();
  }

  /**
   * Submits {@code job} under a generated id; see {@link #submit(Context, Object, String)}.
   *
   * @param context the submitter's context: its span is the parent of the send span, its baggage
   *     and deadline travel with the job, and its cancellation cancels the job
   * @param job the job to run
   * @return the stored job, to wait for its result
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done before JetStream
   *     stored the job
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws IllegalStateException if JetStream refuses the job, or the pool was closed
   * @throws RuntimeException what the codec throws for a job it cannot encode
   */
  public NatsJob<R> submit(Context context, J job) throws InterruptedException {
    return submit(context, job, UUID.randomUUID().toString());
  }

  /**
   * Publishes {@code job} under the id {@code jobId} and returns once JetStream has stored it,
   * waiting while the stream is full, no longer than {@code context} allows. The job carries the
   * {@code send shuttle.pool.<name>.jobs} span this starts (a child of {@code context}'s), the
   * baggage and the deadline of {@code context}; if {@code context} is cancelled later, before the
   * job ends, the workers are told and the job is cancelled (not started, or its context
   * cancelled): submit under a context that lives as long as the job should, or under {@link
   * Contexts#withoutCancel} for a job that outlives it. The id is the {@code Nats-Msg-Id}: a second
   * submission of it within JetStream's duplicate window (two minutes) is not stored again ({@link
   * NatsJob#duplicate()}).
   *
   * @param context the submitter's context: its span is the parent of the send span, its baggage
   *     and deadline travel with the job, and its cancellation cancels the job
   * @param job the job to run
   * @param jobId 1 to 256 printable ASCII characters, not blank
   * @return the stored job, to wait for its result
   * @throws IllegalArgumentException if {@code jobId} is not such an id
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done before JetStream
   *     stored the job (it may have been stored anyway, just as the wait ended: submit again under
   *     the same id to be sure, without a duplicate)
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws IllegalStateException if JetStream refuses the job, or the pool was closed
   * @throws RuntimeException what the codec throws for a job it cannot encode
   */
  public NatsJob<R> submit(Context context, J job, String jobId) throws InterruptedException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(job, "job");
    checkJobId(jobId);
    String subject = settings.jobsSubject();
    Span span = NatsSpans.startSend(context, subject, jobId);
    try {
      byte[] body = jobs.encode(job);
      Headers headers = NatsHeaders.write(context.with(span), new Headers());
      headers.put(PoolHeaders.JOB_ID, jobId);
      headers.put(PoolHeaders.REPLY_TO, outcomes.inbox());
      JobResults.Pending pending = outcomes.register(jobId);
      PublishAck ack = publisher.publish(context, subject, headers, body, jobId);
      Stoppable cancelHook = Contexts.afterFunc(context, () -> sendCancel(jobId, context));
      pending.listen(cancelHook);
      return new NatsJob<>(jobId, ack.isDuplicate(), pending, results);
    } catch (InterruptedException | RuntimeException | Error e) {
      Spans.recordFailure(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /**
   * Starts {@code concurrency} workers in this process: they take at most that many jobs at once
   * from the pool's consumer and run each with {@code handler} on a goroutine of its own.
   *
   * @param concurrency the most jobs this process runs at once
   * @param handler runs each job
   * @return the running workers, to stop them
   * @throws IllegalArgumentException if {@code concurrency} is less than 1
   * @throws IOException if the connection fails
   * @throws IllegalStateException if the pool's consumer cannot be bound to
   */
  public NatsWorkers startWorkers(int concurrency, NatsJobHandler<J, R> handler)
      throws IOException {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, but was " + concurrency);
    }
    Objects.requireNonNull(handler, "handler");
    WorkerSetup<J, R> setup =
        new WorkerSetup<>(connection, settings, jobs, results, handler, publisher, metrics);
    return NatsWorkers.start(setup, concurrency);
  }

  /**
   * Stops listening for outcomes in this process: waiting {@link NatsJob#result} calls and later
   * submissions fail with {@link IllegalStateException}. Jobs already stored still run; workers
   * started from this pool keep running until stopped. Does not close the connection. Idempotent.
   */
  @Override
  public void close() {
    outcomes.close();
  }

  @Override
  public String toString() {
    return "NatsWorkerPool[" + settings.name() + "]";
  }

  /**
   * Tells the workers that the submitter cancelled job {@code jobId}. Not for a deadline that
   * passed: the job carries its deadline, and each worker's clock ends it.
   */
  private void sendCancel(String jobId, Context context) {
    if (Contexts.err(context) != ContextError.CANCELED) {
      return;
    }
    Headers headers = NatsHeaders.write(context, new Headers());
    headers.put(PoolHeaders.JOB_ID, jobId);
    try {
      connection.publish(
          NatsMessage.builder().subject(settings.cancelSubject()).headers(headers).build());
    } catch (RuntimeException notConnected) {
      // best effort: the job's own deadline still holds
    }
  }

  private static void checkJobId(String jobId) {
    Objects.requireNonNull(jobId, "jobId");
    if (jobId.isBlank()
        || jobId.length() > PoolHeaders.MAX_JOB_ID_LENGTH
        || !HeaderText.isPrintableAscii(jobId)) {
      throw new IllegalArgumentException(
          "a job id is 1 to 256 printable ASCII characters, not blank, but was \""
              + HeaderText.printableAscii(jobId, 80)
              + "\"");
    }
  }
}
