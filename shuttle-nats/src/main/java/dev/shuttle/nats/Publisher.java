package dev.shuttle.nats;

import dev.shuttle.context.Cancellation;
import dev.shuttle.context.Contexts;
import dev.shuttle.context.Stoppable;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Publishes to a JetStream stream the way a buffered channel sends: while the stream is full (it
 * refuses with "maximum messages exceeded" under {@code DiscardPolicy.New}) it waits and tries
 * again, for as long as the context allows; a publish whose acknowledgement does not come in time
 * is tried again too. Every try carries the same {@code Nats-Msg-Id}, so JetStream stores the
 * message once however many tries it takes (exactly-once enqueue within the stream's duplicate
 * window). Stateless apart from its settings; thread-safe.
 */
final class Publisher {
  /** JetStream's error codes for a stream at its message or byte limit. */
  private static final int MAXIMUM_MESSAGES_EXCEEDED = 10077;

  private static final int MAXIMUM_BYTES_EXCEEDED = 10078;

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(1);
  private static final Duration LAST_BACKOFF = Duration.ofMillis(50);

  private final JetStream jetStream;
  private final Duration ackTimeout;

  Publisher(JetStream jetStream, Duration ackTimeout) {
    this.jetStream = jetStream;
    this.ackTimeout = ackTimeout;
  }

  /**
   * Publishes until the stream stores the message (or finds it a duplicate of one stored).
   *
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done first
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws IllegalStateException if JetStream refuses the message for another reason (no such
   *     stream, a message over the size limit), with JetStream's description
   */
  PublishAck publish(
      Context context, String subject, Headers headers, byte[] body, String messageId)
      throws InterruptedException {
    Cancellation cancellation = Contexts.cancellation(context);
    headers.put("Nats-Msg-Id", messageId);
    Duration backoff = FIRST_BACKOFF;
    while (true) {
      cancellation.throwIfDone();
      Attempt attempt = tryPublish(cancellation, subject, headers, body);
      if (attempt.ack != null) {
        return attempt.ack;
      }
      if (attempt.failure instanceof JetStreamApiException refused && !full(refused)) {
        throw new IllegalStateException(
            "JetStream refused the message on " + subject + ": " + refused.getMessage(), refused);
      }
      // Full, no acknowledgement in time, or not connected (a server restarting answers "no
      // responders"): wait and try again; the same Nats-Msg-Id makes the next try safe.
      Contexts.sleep(context, backoff);
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(LAST_BACKOFF) > 0) {
        backoff = LAST_BACKOFF;
      }
    }
  }

  private static boolean full(JetStreamApiException refused) {
    return refused.getApiErrorCode() == MAXIMUM_MESSAGES_EXCEEDED
        || refused.getApiErrorCode() == MAXIMUM_BYTES_EXCEEDED;
  }

  /** One try: the acknowledgement, or what went wrong (refused, an I/O failure, a timeout). */
  private Attempt tryPublish(
      Cancellation cancellation, String subject, Headers headers, byte[] body)
      throws InterruptedException {
    CompletableFuture<PublishAck> ack = jetStream.publishAsync(subject, headers, body);
    Stoppable wake = cancellation.onDone(() -> ack.cancel(false));
    try {
      return new Attempt(ack.get(ackTimeout.toNanos(), TimeUnit.NANOSECONDS), null);
    } catch (CancellationException e) {
      cancellation.throwIfDone();
      throw e;
    } catch (TimeoutException e) {
      return new Attempt(null, e);
    } catch (ExecutionException e) {
      // jnats completes the future with a RuntimeException around the API or I/O exception.
      Throwable cause = e.getCause();
      return new Attempt(
          null,
          cause instanceof RuntimeException && cause.getCause() != null ? cause.getCause() : cause);
    } finally {
      wake.stop();
    }
  }

  private record Attempt(@Nullable PublishAck ack, @Nullable Throwable failure) {}
}
