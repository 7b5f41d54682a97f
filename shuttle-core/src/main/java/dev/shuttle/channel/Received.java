package dev.shuttle.channel;

/**
 * The outcome of a receive that does not throw: a {@link Message} or {@link Closed}.
 *
 * {@snippet :
 * switch (channel.receiveOrClosed()) {
 *   case Message<String>(String value, Context sent) -> handle(value);
 *   case Closed<String> closed -> finish(closed.error());
 * }
 * }
 *
 * @param <T> the channel's element type
 */
public sealed interface Received<T> permits Message, Closed {}
