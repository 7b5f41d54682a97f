package dev.shuttle.channel;

import io.opentelemetry.context.Context;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The view {@link Channel#sendOnly()} returns: every call goes to the channel, which it hides, so
 * the view cannot be cast back to a {@link Channel} and used to receive. Stateless; thread-safe as
 * the channel is. Its select cases are the channel's own, so {@link Select} sees the channel.
 */
final class SendOnly<T> extends ChannelView<T> implements SendChannel<T> {
  SendOnly(Channel<T> channel) {
    super(channel);
  }

  @Override
  public void send(T value) throws InterruptedException {
    channel.send(value);
  }

  @Override
  public void send(Context context, T value) throws InterruptedException {
    channel.send(context, value);
  }

  @Override
  public void sendMessage(Context context, Message<? extends T> message)
      throws InterruptedException {
    channel.sendMessage(context, message);
  }

  @Override
  public SendResult sendOrClosed(T value) throws InterruptedException {
    return channel.sendOrClosed(value);
  }

  @Override
  public SendResult sendOrClosed(Context context, T value) throws InterruptedException {
    return channel.sendOrClosed(context, value);
  }

  @Override
  public boolean trySend(T value) {
    return channel.trySend(value);
  }

  @Override
  public SendResult trySendOrClosed(T value) {
    return channel.trySendOrClosed(value);
  }

  @Override
  public <R> SelectCase<R> onSend(T value, Supplier<? extends R> then) {
    return channel.onSend(value, then);
  }

  @Override
  public <R> SelectCase<R> onSendOrClosed(T value, Function<? super SendResult, ? extends R> then) {
    return channel.onSendOrClosed(value, then);
  }

  @Override
  public void close() {
    channel.close();
  }

  @Override
  public void close(Throwable error) {
    channel.close(error);
  }

  @Override
  public String toString() {
    return "send-only " + channel;
  }
}
