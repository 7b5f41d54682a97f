package dev.shuttle.channel;

import io.opentelemetry.context.Context;
import java.util.Iterator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The view {@link Channel#receiveOnly()} returns: every call goes to the channel, which it hides,
 * so the view cannot be cast back to a {@link Channel} and used to send. Stateless; thread-safe as
 * the channel is. Its select cases are the channel's own, so {@link Select} sees the channel.
 */
final class ReceiveOnly<T> extends ChannelView<T> implements ReceiveChannel<T> {
  ReceiveOnly(Channel<T> channel) {
    super(channel);
  }

  @Override
  public T receive() throws InterruptedException {
    return channel.receive();
  }

  @Override
  public T receive(Context context) throws InterruptedException {
    return channel.receive(context);
  }

  @Override
  public Message<T> receiveMessage() throws InterruptedException {
    return channel.receiveMessage();
  }

  @Override
  public Message<T> receiveMessage(Context context) throws InterruptedException {
    return channel.receiveMessage(context);
  }

  @Override
  public Received<T> receiveOrClosed() throws InterruptedException {
    return channel.receiveOrClosed();
  }

  @Override
  public Received<T> receiveOrClosed(Context context) throws InterruptedException {
    return channel.receiveOrClosed(context);
  }

  @Override
  public @Nullable Received<T> tryReceive() {
    return channel.tryReceive();
  }

  @Override
  public Iterator<T> iterator() {
    return channel.iterator();
  }

  @Override
  public Stream<T> stream() {
    return channel.stream();
  }

  @Override
  public Iterable<Message<T>> messages() {
    return channel.messages();
  }

  @Override
  public <R> SelectCase<R> onReceive(Function<? super T, ? extends R> then) {
    return channel.onReceive(then);
  }

  @Override
  public <R> SelectCase<R> onReceiveMessage(Function<? super Message<T>, ? extends R> then) {
    return channel.onReceiveMessage(then);
  }

  @Override
  public <R> SelectCase<R> onReceiveOrClosed(Function<? super Received<T>, ? extends R> then) {
    return channel.onReceiveOrClosed(then);
  }

  @Override
  public boolean cancel() {
    return channel.cancel();
  }

  @Override
  public boolean isDrained() {
    return channel.isDrained();
  }

  @Override
  public boolean carriesContext() {
    return channel.carriesContext();
  }

  @Override
  public String toString() {
    return "receive-only " + channel;
  }
}
