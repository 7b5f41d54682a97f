package dev.shuttle.nats;

import dev.shuttle.Spans;
import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Message;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The receiving side of a {@link NatsChannel} in one process: a virtual thread that pulls from the
 * shared durable consumer only while receivers in this process wait, and hands each value to one of
 * them through a local rendezvous {@link Channel}.
 *
 * <p>Implementation note. One fetcher thread owns the JetStream subscription; receivers never touch
 * it. Demand is read from the local channel's {@code waitingReceivers()} (exact for every kind of
 * receiver, including a {@code select}); a receive through {@link NatsChannel} also sets {@link
 * #demand} and unparks the fetcher, so it does not wait for the next idle poll. A pull asks for as
 * many messages as receivers wait (at most {@link #MAX_BATCH}). Each message is handed over with
 * {@code trySend} (a receiver is almost always parked by then), else with a send bounded by {@link
 * #HANDOFF}; it is acknowledged after a receiver took it and negatively acknowledged (so JetStream
 * redelivers it at once, here or elsewhere) when nobody did. A message is therefore delivered to at
 * most one receiver unless this process dies between the hand-over and the ack. Once the closed
 * flag is seen and the stream is empty, the local channel is closed: receivers drain, then see it
 * closed, as with a closed buffered channel.
 */
final class ChannelFetcher<T> implements Runnable {
  private static final System.Logger LOG = System.getLogger(ChannelFetcher.class.getName());

  private static final int MAX_BATCH = 256;
  private static final Duration PULL_WAIT = Duration.ofMillis(500);
  private static final Duration HANDOFF = Duration.ofMillis(200);
  private static final long IDLE_PARK_NANOS = Duration.ofMillis(20).toNanos();
  private static final long RETRY_NANOS = Duration.ofMillis(100).toNanos();

  private final NatsChannel<T> channel;
  private final Subscriber subscriber;
  private final Channel<T> local;
  private final BooleanSupplier closedFlag;
  private final AtomicBoolean demand = new AtomicBoolean();
  private final int pullAhead;
  private volatile boolean stopped;
  private volatile @Nullable Thread thread;

  /** Whether the last hand-over succeeded: a receiver in a loop will soon want the next value. */
  private boolean streaming;

  ChannelFetcher(
      NatsChannel<T> channel, Subscriber subscriber, Channel<T> local, BooleanSupplier closedFlag) {
    this.channel = channel;
    this.subscriber = subscriber;
    this.local = local;
    this.closedFlag = closedFlag;
    this.pullAhead = pullAhead(channel.ackWait());
  }

  /**
   * How many values to pull ahead while receivers keep taking them: as many as can wait their turn
   * (each at most {@link #HANDOFF}) within half the ack wait, so that none is redelivered elsewhere
   * while it waits here; at most 64.
   */
  static int pullAhead(Duration ackWait) {
    long fit = ackWait.toMillis() / (2 * HANDOFF.toMillis());
    return (int) Math.max(1, Math.min(64, fit));
  }

  void start() {
    thread = Thread.ofVirtual().name("shuttle-nats-receive-" + channel.name()).start(this);
  }

  /** A receiver is about to wait: pull now rather than at the next idle poll. */
  void demand() {
    demand.set(true);
    wake();
  }

  void wake() {
    Thread fetcher = thread;
    if (fetcher != null) {
      LockSupport.unpark(fetcher);
    }
  }

  /** Stops pulling; the message being handed over, if any, is given back to JetStream. */
  void stop() throws InterruptedException {
    stopped = true;
    Thread fetcher = thread;
    if (fetcher != null) {
      LockSupport.unpark(fetcher);
      fetcher.join();
    }
  }

  @Override
  public void run() {
    JetStreamSubscription subscription = null;
    try {
      subscription = subscribe();
      while (subscription != null && !stopped) {
        if (closedFlag.getAsBoolean() && streamIsEmpty()) {
          local.close();
          return;
        }
        int waiting = local.waitingReceivers();
        if (waiting == 0 && !demand.getAndSet(false) && !streaming) {
          LockSupport.parkNanos(this, IDLE_PARK_NANOS);
          continue;
        }
        int wanted = Math.max(waiting, streaming ? pullAhead : 1);
        Iterator<io.nats.client.Message> pulled =
            subscription.iterate(Math.min(wanted, MAX_BATCH), PULL_WAIT);
        boolean mayWait = true;
        boolean empty = true;
        while (pulled.hasNext()) {
          empty = false;
          mayWait = deliver(pulled.next(), mayWait);
        }
        if (empty) {
          streaming = false; // nothing came in a whole pull: wait for demand again
          channel.refreshClosed(); // receivers wait on a drained stream: was it closed?
        }
      }
    } catch (RuntimeException | JetStreamApiException e) {
      LOG.log(Level.ERROR, "receiving from NATS channel " + channel.name() + " stopped", e);
      local.close(e);
    } finally {
      if (subscription != null) {
        subscription.unsubscribe();
      }
    }
  }

  /** Binds to the consumer, waiting while the server cannot be reached; null once stopped. */
  private @Nullable JetStreamSubscription subscribe() throws JetStreamApiException {
    while (!stopped) {
      try {
        return subscriber.subscribe();
      } catch (IOException unreachable) {
        LockSupport.parkNanos(this, RETRY_NANOS); // a restarting server: try again
      }
    }
    return null;
  }

  /** Whether the stream is empty; {@code false} while the server cannot be reached. */
  private boolean streamIsEmpty() throws JetStreamApiException {
    try {
      return channel.pending() == 0;
    } catch (IOException unreachable) {
      return false;
    }
  }

  /** Binds a pull subscription to the channel's consumer. */
  interface Subscriber {
    JetStreamSubscription subscribe() throws IOException, JetStreamApiException;
  }

  /**
   * Hands {@code message} to a receiver, waiting up to {@link #HANDOFF} for one if {@code mayWait};
   * returns whether the next message of the batch may wait too (not once one found nobody).
   */
  private boolean deliver(io.nats.client.Message message, boolean mayWait) {
    if (stopped) {
      message.nak();
      return false;
    }
    CarriedContext carried = NatsHeaders.read(message.getHeaders(), Context.root());
    String messageId = messageId(message);
    Span span =
        NatsSpans.startConsumer(
            "receive",
            carried.context(),
            Context.root(),
            channel.spanRelation(),
            channel.subject(),
            messageId);
    try {
      T value;
      try {
        value = channel.codec().decode(message.getData());
      } catch (RuntimeException poison) {
        Spans.recordFailure(span, poison);
        LOG.log(
            Level.WARNING,
            "dropped a message on NATS channel " + channel.name() + " that does not decode",
            poison);
        message.term();
        return mayWait;
      }
      Context context = messageContext(carried);
      streaming = handOver(value, context, mayWait);
      if (streaming) {
        message.ack();
      } else {
        span.setStatus(StatusCode.UNSET);
        span.addEvent("returned: no receiver took it");
        message.nak();
      }
      return streaming;
    } finally {
      span.end();
    }
  }

  /** The sender's context, with its deadline and cancellation only when it carried them. */
  private static Context messageContext(CarriedContext carried) {
    if (carried.deadline().isEmpty() && carried.cancellation().isEmpty()) {
      return carried.context();
    }
    return carried.cancelableContext().context();
  }

  @SuppressWarnings("try") // the scope is only closed
  private boolean handOver(T value, Context context, boolean mayWait) {
    try (Scope ignored = context.makeCurrent()) {
      if (local.trySend(value)) {
        return true;
      }
    }
    if (!mayWait) {
      return false;
    }
    try (CancelableContext bounded = Contexts.withTimeout(Context.root(), HANDOFF)) {
      local.sendMessage(bounded.context(), new Message<>(value, context));
      return true;
    } catch (ContextDoneException timedOut) {
      return false;
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
      return false;
    } catch (RuntimeException closed) {
      return false;
    }
  }

  private static String messageId(io.nats.client.Message message) {
    if (message.getHeaders() != null) {
      String id = message.getHeaders().getFirst("Nats-Msg-Id");
      if (id != null) {
        return id;
      }
    }
    return "";
  }
}
