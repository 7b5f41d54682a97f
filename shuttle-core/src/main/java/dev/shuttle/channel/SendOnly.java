package dev.shuttle.channel;

import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The view {@link Channel#sendOnly()} returns: every call goes to the channel, which it hides, so
 * the view cannot be cast back to a {@link Channel} and used to receive. Stateless; thread-safe as
 * the channel is. Its select cases are the channel's own, so {@link Select} sees the channel.
 */
final class SendOnly<T> implements SendChannel<T> {
  private final Channel<T> channel;

  SendOnly(Channel<T> channel) {
    this.channel = Objects.requireNonNull(channel, "channel");
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
  public boolean isClosed() {
    return channel.isClosed();
  }

  @Override
  public int len() {
    return channel.len();
  }

  @Override
  public int cap() {
    return channel.cap();
  }

  @Override
  public int waitingSenders() {
    return channel.waitingSenders();
  }

  @Override
  public int waitingReceivers() {
    return channel.waitingReceivers();
  }

  @Override
  public @Nullable String name() {
    return channel.name();
  }

  @Override
  public String toString() {
    return "send-only " + channel;
  }
}
