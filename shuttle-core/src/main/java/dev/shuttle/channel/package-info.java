/**
 * Go's channels, {@code select} and timers for virtual threads, with the sender's OpenTelemetry
 * context carried in every message.
 *
 * <ul>
 *   <li>{@link dev.shuttle.channel.Channel}: rendezvous or buffered; blocking {@code send} and
 *       {@code receive} that honour the context's cancellation and thread interruption; {@code
 *       trySend}/{@code tryReceive}; {@code close} with Go's rules; {@code len}, {@code cap} and
 *       the number of blocked senders and receivers.
 *   <li>{@link dev.shuttle.channel.ReceiveChannel} and {@link dev.shuttle.channel.SendChannel}: the
 *       receive-only and send-only views (Go's {@code <-chan T} and {@code chan<- T}) that {@code
 *       Channel} implements; a receiver may {@code cancel}. {@code sendOrClosed}, {@code
 *       trySendOrClosed} and {@code onSendOrClosed} report a closed channel as {@link
 *       dev.shuttle.channel.Closed}, the record a receive returns.
 *   <li>{@link dev.shuttle.channel.Select}: waits for the first ready of several cases (receive,
 *       send, a context's done signal, timers, a default) and chooses uniformly at random among the
 *       ready ones, as Go does.
 *   <li>{@link dev.shuttle.channel.Timers}: Go's {@code time.After}, {@code time.NewTimer}, {@code
 *       time.NewTicker} and {@code time.AfterFunc}, with Go 1.23's synchronous {@code stop} and
 *       {@code reset}: no stale value is received after either returns.
 *   <li>{@link dev.shuttle.channel.Message}: a value and the context it was sent in; {@link
 *       dev.shuttle.channel.Message#process} runs a consumer span linked to (or parented by) the
 *       producer's span.
 * </ul>
 *
 * {@snippet :
 * Channel<Order> orders = Channel.buffered(16);
 * Thread.ofVirtual().start(Context.current().wrap(() -> {
 *   try (orders) { // closes the channel when the producer is done
 *     for (Order o : load()) orders.send(o); // each message carries the current span
 *   }
 * }));
 * for (Message<Order> m : orders.messages()) {
 *   m.process("process-order", order -> ship(order)); // CONSUMER span linked to the producer's
 * }
 * }
 */
@NullMarked
package dev.shuttle.channel;

import org.jspecify.annotations.NullMarked;
