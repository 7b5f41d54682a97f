package dev.shuttle.nats;

import dev.shuttle.context.Cancellation;
import dev.shuttle.context.Contexts;
import dev.shuttle.context.Stoppable;
import io.nats.client.Message;
import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A job that JetStream stored, from {@link NatsWorkerPool#submit}: its id, and its result once a
 * worker, in any process, has run it.
 *
 * {@snippet :
 * NatsJob<Thumbnail> job = pool.submit(ctx, new Image("cat.png"));
 * Thumbnail thumbnail = job.result(ctx); // waits for a worker
 * }
 *
 * <p>The outcome comes back over core NATS to this process's inbox, at most once: if this process
 * was disconnected when the worker replied, {@link #result} waits until its context ends. The
 * outcome of a {@link #duplicate()} submission comes only if the original submission was made by
 * this pool instance and has not ended yet.
 *
 * <p>Memory consistency effects: in this process, actions before {@code submit} returned
 * happen-before actions after {@link #result} returns; the handler, in another process, ran before
 * its result was published.
 *
 * <p>Thread-safe: any thread may wait for the result, any number of times.
 *
 * @param <R> the type of the result
 */
public final class NatsJob<R> {
  private final String id;
  private final boolean duplicate;
  private final JobResults.Pending pending;
  private final Codec<R> codec;

  NatsJob(String id, boolean duplicate, JobResults.Pending pending, Codec<R> codec) {
    this.id = id;
    this.duplicate = duplicate;
    this.pending = pending;
    this.codec = codec;
  }

  /**
   * Returns the job's id: the one given to {@code submit}, or a generated UUID.
   *
   * @return the job's id, its {@code Nats-Msg-Id}
   */
  public String id() {
    return id;
  }

  /**
   * Returns {@code true} if JetStream found this submission a duplicate of one it stored under the
   * same id within its duplicate window (two minutes by default), and so did not store it again.
   *
   * @return whether JetStream had stored the job already
   */
  public boolean duplicate() {
    return duplicate;
  }

  /**
   * Waits for the job's outcome under the current context and returns its result.
   *
   * @return what the job's handler returned, decoded
   * @throws NatsJobException if the job ended without a result (see {@link
   *     NatsJobException#outcome()})
   * @throws dev.shuttle.context.ContextDoneException if the current context is done first
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws IllegalStateException if the pool was closed
   */
  public R result() throws InterruptedException, NatsJobException {
    return result(Context.current());
  }

  /**
   * Waits for the job's outcome, no longer than {@code context} allows, and returns its result.
   * Waiting ends; the job goes on (cancel the context given to {@code submit} to cancel the job).
   *
   * @param context the context whose cancellation or deadline ends the wait
   * @return what the job's handler returned, decoded
   * @throws NatsJobException if the job ended without a result (see {@link
   *     NatsJobException#outcome()})
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done first
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws IllegalStateException if the pool was closed
   */
  public R result(Context context) throws InterruptedException, NatsJobException {
    Objects.requireNonNull(context, "context");
    Cancellation cancellation = Contexts.cancellation(context);
    cancellation.throwIfDone();
    CompletableFuture<Message> waiting = pending.outcome.copy();
    Stoppable wake = cancellation.onDone(() -> waiting.cancel(false));
    Message outcome;
    try {
      outcome = waiting.get();
    } catch (CancellationException e) {
      cancellation.throwIfDone();
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException unchecked
          ? unchecked
          : new IllegalStateException(String.valueOf(cause), cause);
    } finally {
      wake.stop();
    }
    return decode(outcome);
  }

  private R decode(Message outcome) throws NatsJobException {
    String name =
        PoolHeaders.single(
            outcome.getHeaders(), PoolHeaders.OUTCOME, PoolHeaders.MAX_SUBJECT_LENGTH);
    String error =
        PoolHeaders.single(outcome.getHeaders(), PoolHeaders.ERROR, PoolHeaders.MAX_ERROR_LENGTH);
    long attempts = attempts(outcome);
    if (PoolHeaders.SUCCESS.equals(name)) {
      try {
        return codec.decode(outcome.getData() == null ? new byte[0] : outcome.getData());
      } catch (RuntimeException unreadable) {
        throw new NatsJobException(
            id,
            NatsJobException.Outcome.FAILED,
            "the result could not be decoded: " + unreadable.getMessage(),
            attempts,
            unreadable);
      }
    }
    NatsJobException.Outcome failed = NatsJobException.Outcome.fromWire(name);
    if (failed == null) {
      throw new NatsJobException(
          id,
          NatsJobException.Outcome.FAILED,
          "the worker replied with an unknown outcome " + name,
          attempts,
          null);
    }
    throw new NatsJobException(id, failed, error == null ? "" : error, attempts, null);
  }

  private static long attempts(Message outcome) {
    String text = PoolHeaders.single(outcome.getHeaders(), PoolHeaders.ATTEMPTS, 20);
    try {
      return text == null ? 0 : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public String toString() {
    return "NatsJob[" + id + (duplicate ? ", duplicate" : "") + "]";
  }
}
