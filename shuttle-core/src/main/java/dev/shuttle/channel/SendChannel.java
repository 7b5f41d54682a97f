package dev.shuttle.channel;

import io.opentelemetry.context.Context;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The sending side of a {@link Channel} (Go's {@code chan<- T}): send, select on a send, close, and
 * query the channel; it has no way to receive. Functions that only write a channel accept this
 * view. Every {@code Channel} is a {@code SendChannel}; {@link Channel#sendOnly()} returns a view
 * that cannot be cast back to the channel.
 *
 * <p>Each throwing send has a twin that reports a closed channel as a value, {@link Closed} — the
 * same record a receive returns — inside a {@link SendResult}: {@link #sendOrClosed}, {@link
 * #trySendOrClosed} and {@link #onSendOrClosed}. A producer whose consumer may {@linkplain
 * ReceiveChannel#cancel() cancel} uses them to stop without catching an exception.
 *
 * <p>The semantics, exceptions and memory consistency effects are those of {@link Channel}. Only
 * Shuttle implements this interface (it is sealed).
 *
 * @param <T> the type of the values; never {@code null}
 */
public sealed interface SendChannel<T> extends AutoCloseable permits Channel, SendOnly {

  /**
   * Sends {@code value}, blocking while the channel is full (or, for a rendezvous channel, until a
   * receiver takes it). The value carries {@link Context#current()}, whose cancellation also ends
   * the wait.
   *
   * @param value the value to send
   * @throws ChannelClosedException if the channel is closed, or closed while waiting
   * @throws dev.shuttle.context.ContextDoneException if the current context is done
   * @throws InterruptedException if the thread is interrupted before the value is sent
   */
  void send(T value) throws InterruptedException;

  /**
   * Sends {@code value} in {@code context}: the value carries it, and its cancellation ends the
   * wait.
   *
   * @param context the context the value carries; its cancellation ends the wait
   * @param value the value to send
   * @throws ChannelClosedException if the channel is closed, or closed while waiting
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done
   * @throws InterruptedException if the thread is interrupted before the value is sent
   */
  void send(Context context, T value) throws InterruptedException;

  /**
   * Forwards {@code message} with the context it already carries, waiting as long as {@code
   * context} allows: how a pipeline stage passes an item on without losing its trace.
   *
   * @param context the context whose cancellation ends the wait; the message keeps its own
   * @param message the value to send, with the context it carries on
   * @throws ChannelClosedException if the channel is closed, or closed while waiting
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done
   * @throws InterruptedException if the thread is interrupted before the value is sent
   */
  void sendMessage(Context context, Message<? extends T> message) throws InterruptedException;

  /**
   * Sends {@code value} as {@link #send(Object)} does, but reports a closed channel (closed before
   * the call or while it waited) by returning {@link Closed} instead of throwing.
   *
   * @param value the value to send
   * @return {@link SendStatus#SENT}, or {@link Closed} with the channel's close error
   * @throws dev.shuttle.context.ContextDoneException if the current context is done
   * @throws InterruptedException if the thread is interrupted before the value is sent
   */
  SendResult sendOrClosed(T value) throws InterruptedException;

  /**
   * Sends {@code value} in {@code context} as {@link #send(Context, Object)} does, but reports a
   * closed channel by returning {@link Closed} instead of throwing.
   *
   * @param context the context the value carries; its cancellation ends the wait
   * @param value the value to send
   * @return {@link SendStatus#SENT}, or {@link Closed} with the channel's close error
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done
   * @throws InterruptedException if the thread is interrupted before the value is sent
   */
  SendResult sendOrClosed(Context context, T value) throws InterruptedException;

  /**
   * Sends {@code value} only if that needs no waiting: a receiver is blocked or the buffer has room
   * (Go's {@code select} with a {@code default}). The value carries {@link Context#current()}.
   *
   * @param value the value to send
   * @return {@code true} if sent, {@code false} if the channel is full
   * @throws ChannelClosedException if the channel is closed
   */
  boolean trySend(T value);

  /**
   * Sends {@code value} only if that needs no waiting, as {@link #trySend} does, but reports a
   * closed channel by returning {@link Closed} instead of throwing.
   *
   * @param value the value to send
   * @return {@link SendStatus#SENT}, {@link SendStatus#FULL} if sending would have to wait, or
   *     {@link Closed} with the channel's close error
   */
  SendResult trySendOrClosed(T value);

  /**
   * {@return a {@link Select} case that sends {@code value} (carrying the current context) and then
   * returns {@code then}'s result} If the channel is closed, {@code select} throws {@link
   * ChannelClosedException}.
   *
   * @param value the value to send
   * @param then supplies what the select returns once the value is sent
   * @param <R> what the select returns when this case is chosen
   */
  <R> SelectCase<R> onSend(T value, Supplier<? extends R> then);

  /**
   * {@return a {@link Select} case that sends {@code value} (carrying the current context) and maps
   * the outcome with {@code then}} The outcome is {@link SendStatus#SENT}, or {@link Closed} if the
   * channel is closed: a closed channel makes this case always ready, and {@code select} does not
   * throw.
   *
   * @param value the value to send
   * @param then maps the outcome to what the select returns
   * @param <R> what the select returns when this case is chosen
   */
  <R> SelectCase<R> onSendOrClosed(T value, Function<? super SendResult, ? extends R> then);

  /**
   * Closes the channel (Go's {@code close(ch)}): no more sends; receivers drain the buffered values
   * and then see it closed; blocked senders fail with {@link ChannelClosedException}.
   *
   * @throws ChannelClosedException if the channel is already closed
   */
  @Override
  void close();

  /**
   * Closes the channel with an error: as {@link #close()}, but receivers that find it closed and
   * drained see {@code error} (as {@link Closed#error()}, or the cause of the {@link
   * ChannelClosedException}), so a producer's failure reaches its consumers.
   *
   * @param error why the channel is closed, typically the producer's failure
   * @throws ChannelClosedException if the channel is already closed
   */
  void close(Throwable error);

  /** {@return {@code true} once the channel is closed; every further send reports it} */
  boolean isClosed();

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
}
