package dev.shuttle.channel;

import io.opentelemetry.context.Context;
import java.util.Iterator;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The receiving side of a {@link Channel} (Go's {@code <-chan T}): receive, iterate, select on a
 * receive, and query the channel; it has no way to send. Functions that hand a channel to a
 * consumer return this view ({@code FanOut}, {@code FanIn}, pipeline output, timers), and functions
 * that only read a channel accept it. Every {@code Channel} is a {@code ReceiveChannel}; {@link
 * Channel#receiveOnly()} returns a view that cannot be cast back to the channel.
 *
 * <h2>A receiver may cancel</h2>
 *
 * Go's rule is that only the sender closes. A consumer that stops early still needs to tell its
 * producer, so this view has {@link #cancel()} (Kotlin's {@code ReceiveChannel.cancel}, Jox's
 * {@code Source.done}): it closes the channel if it is still open, and is a no-op otherwise. The
 * producer's next send then fails ({@link ChannelClosedException}, or {@link Closed} from {@link
 * SendChannel#sendOrClosed}); values already buffered stay receivable. This is how a consumer of
 * {@code FanOut.roundRobin} leaves the rotation and how a consumer of {@code FanIn.merge} stops the
 * merge.
 *
 * <p>The semantics, exceptions and memory consistency effects are those of {@link Channel}. Only
 * Shuttle implements this interface (it is sealed): a view passed to {@link Select} is the
 * channel's own case.
 *
 * @param <T> the type of the values; never {@code null}
 */
public sealed interface ReceiveChannel<T> extends Iterable<T> permits Channel, ReceiveOnly {

  /**
   * Receives the next value, blocking until one is available; the wait ends if {@link
   * Context#current()} is done.
   *
   * @return the received value
   * @throws ChannelClosedException if the channel is closed and drained
   * @throws dev.shuttle.context.ContextDoneException if the current context is done
   * @throws InterruptedException if the thread is interrupted before a value is received
   */
  T receive() throws InterruptedException;

  /**
   * Receives the next value, blocking until one is available or {@code context} is done.
   *
   * @param context the context whose cancellation ends the wait
   * @return the received value
   * @throws ChannelClosedException if the channel is closed and drained
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done
   * @throws InterruptedException if the thread is interrupted before a value is received
   */
  T receive(Context context) throws InterruptedException;

  /**
   * Receives the next value with the context it was sent in, blocking until one is available or
   * {@link Context#current()} is done.
   *
   * @return the received value and its sender's context
   * @throws ChannelClosedException if the channel is closed and drained
   * @throws dev.shuttle.context.ContextDoneException if the current context is done
   * @throws InterruptedException if the thread is interrupted before a value is received
   */
  Message<T> receiveMessage() throws InterruptedException;

  /**
   * Receives the next value with the context it was sent in, blocking until one is available or
   * {@code context} is done.
   *
   * @param context the context whose cancellation ends the wait
   * @return the received value and its sender's context
   * @throws ChannelClosedException if the channel is closed and drained
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done
   * @throws InterruptedException if the thread is interrupted before a value is received
   */
  Message<T> receiveMessage(Context context) throws InterruptedException;

  /**
   * Receives the next value with its context, or reports that the channel is closed and drained,
   * without throwing for a closed channel (Go's {@code v, ok := <-ch}).
   *
   * @return the message, or {@link Closed} with the channel's close error if the channel is closed
   *     and drained
   * @throws dev.shuttle.context.ContextDoneException if the current context is done
   * @throws InterruptedException if the thread is interrupted before a value is received
   */
  Received<T> receiveOrClosed() throws InterruptedException;

  /**
   * Receives the next value with its context, or reports that the channel is closed and drained,
   * waiting as long as {@code context} allows.
   *
   * @param context the context whose cancellation ends the wait
   * @return the message, or {@link Closed} with the channel's close error if the channel is closed
   *     and drained
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done
   * @throws InterruptedException if the thread is interrupted before a value is received
   */
  Received<T> receiveOrClosed(Context context) throws InterruptedException;

  /**
   * Receives a value only if one is ready now: buffered, or offered by a blocked sender.
   *
   * @return the message, {@link Closed} if the channel is closed and drained, or {@code null} if
   *     nothing is ready and the channel is open
   */
  @Nullable Received<T> tryReceive();

  /**
   * Returns an iterator that receives values until the channel is closed and drained (Go's {@code
   * for v := range ch}), waiting as long as {@link Context#current()} allows.
   *
   * <p>{@code hasNext()} blocks. Because it cannot throw {@link InterruptedException}, an interrupt
   * while it waits sets the interrupt flag again and ends iteration with a {@link
   * CancellationException}; a done context ends it with a {@link
   * dev.shuttle.context.ContextDoneException}; a channel closed with an error ends it with a {@link
   * ChannelClosedException} once drained.
   */
  @Override
  Iterator<T> iterator();

  /**
   * {@return the values as a sequential stream that ends when the channel is closed and drained}
   */
  Stream<T> stream();

  /** {@return the messages (value and sender's context) until the channel is closed and drained} */
  Iterable<Message<T>> messages();

  /**
   * {@return a {@link Select} case that receives a value and maps it with {@code then}} If the
   * channel is closed and drained, {@code select} throws {@link ChannelClosedException}.
   *
   * @param then maps the received value to what the select returns
   * @param <R> what the select returns when this case is chosen
   */
  <R> SelectCase<R> onReceive(Function<? super T, ? extends R> then);

  /**
   * {@return a {@link Select} case that receives a value with its context and maps it} If the
   * channel is closed and drained, {@code select} throws {@link ChannelClosedException}.
   *
   * @param then maps the received message to what the select returns
   * @param <R> what the select returns when this case is chosen
   */
  <R> SelectCase<R> onReceiveMessage(Function<? super Message<T>, ? extends R> then);

  /**
   * {@return a {@link Select} case that receives a value or the closed state, and maps it} A closed
   * channel makes this case always ready (Go's {@code case v, ok := <-ch}).
   *
   * @param then maps the message, or {@link Closed} once the channel is closed and drained, to what
   *     the select returns
   * @param <R> what the select returns when this case is chosen
   */
  <R> SelectCase<R> onReceiveOrClosed(Function<? super Received<T>, ? extends R> then);

  /**
   * Closes the channel from the receiving side, if it is still open: the consumer has stopped and
   * tells its producer so. Blocked and later senders see the channel closed; values already
   * buffered stay receivable. Unlike {@link Channel#close()}, cancelling a closed channel is not an
   * error, since a consumer cannot know whether its producer has just closed it.
   *
   * @return {@code true} if this call closed the channel, {@code false} if it was closed already
   */
  boolean cancel();

  /** {@return {@code true} once the channel is closed (values may still be buffered)} */
  boolean isClosed();

  /**
   * {@return {@code true} once the channel is closed and has no buffered value left} Every further
   * receive reports it closed.
   */
  boolean isDrained();

  /** {@return the number of buffered values (Go's {@code len(ch)}); always 0 for rendezvous} */
  int len();

  /** {@return the buffer's capacity (Go's {@code cap(ch)}); 0 for a rendezvous channel} */
  int cap();

  /** {@return the number of threads blocked sending on the channel (including in a select)} */
  int waitingSenders();

  /** {@return the number of threads blocked receiving from the channel (including in a select)} */
  int waitingReceivers();

  /** {@return the channel's name, or {@code null} if it has none} */
  @Nullable String name();

  /** {@return whether values carry the sender's context} */
  boolean carriesContext();
}
