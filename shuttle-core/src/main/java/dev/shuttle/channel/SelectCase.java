package dev.shuttle.channel;

import dev.shuttle.context.Cancellation;
import io.opentelemetry.context.Context;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One case of a {@link Select}: receive from or send to a channel, a context's done signal, or the
 * default. Create cases with {@link ReceiveChannel#onReceive}, {@link
 * ReceiveChannel#onReceiveOrClosed}, {@link SendChannel#onSend}, {@link
 * SendChannel#onSendOrClosed}, {@link Select#onDone} and {@link Select#defaultCase}.
 *
 * <p>A case is immutable and may be reused in many selects (build cases once, outside a loop, when
 * it matters). A send case carries the context that was current when it was created.
 *
 * @param <R> what the select returns when this case is chosen
 */
public final class SelectCase<R> {
  enum Kind {
    RECEIVE,
    SEND,
    DONE,
    DEFAULT,
    DISABLED
  }

  private static final SelectCase<?> DISABLED =
      new SelectCase<>(Kind.DISABLED, null, null, null, null, null, null, null);

  final Kind kind;
  final @Nullable Channel<?> channel;
  final @Nullable Object value;
  final @Nullable Context sendContext;
  final @Nullable Cancellation cancellation;
  private final @Nullable Function<Received<?>, ? extends R> onReceive;
  private final @Nullable Function<? super SendResult, ? extends R> onSend;
  private final @Nullable Supplier<? extends R> onReady;

  private SelectCase(
      Kind kind,
      @Nullable Channel<?> channel,
      @Nullable Object value,
      @Nullable Context sendContext,
      @Nullable Cancellation cancellation,
      @Nullable Function<Received<?>, ? extends R> onReceive,
      @Nullable Function<? super SendResult, ? extends R> onSend,
      @Nullable Supplier<? extends R> onReady) {
    this.kind = kind;
    this.channel = channel;
    this.value = value;
    this.sendContext = sendContext;
    this.cancellation = cancellation;
    this.onReceive = onReceive;
    this.onSend = onSend;
    this.onReady = onReady;
  }

  static <R> SelectCase<R> receive(
      Channel<?> channel, Function<Received<?>, ? extends R> onReceive) {
    return new SelectCase<>(Kind.RECEIVE, channel, null, null, null, onReceive, null, null);
  }

  static <R> SelectCase<R> send(
      Channel<?> channel,
      Object value,
      @Nullable Context sendContext,
      Function<? super SendResult, ? extends R> onSend) {
    return new SelectCase<>(Kind.SEND, channel, value, sendContext, null, null, onSend, null);
  }

  static <R> SelectCase<R> done(Cancellation cancellation, Supplier<? extends R> onReady) {
    return new SelectCase<>(Kind.DONE, null, null, null, cancellation, null, null, onReady);
  }

  static <R> SelectCase<R> defaultCase(Supplier<? extends R> onReady) {
    return new SelectCase<>(Kind.DEFAULT, null, null, null, null, null, null, onReady);
  }

  @SuppressWarnings("unchecked")
  static <R> SelectCase<R> disabled() {
    return (SelectCase<R>) DISABLED;
  }

  /**
   * {@return this case if {@code enabled}, or a case that is never chosen} This replaces Go's idiom
   * of setting a channel variable to {@code nil} to switch off its case.
   *
   * @param enabled whether the case may be chosen
   */
  public SelectCase<R> onlyIf(boolean enabled) {
    return enabled ? this : disabled();
  }

  /** {@return {@code true} unless this case was switched off with {@link #onlyIf}} */
  public boolean isEnabled() {
    return kind != Kind.DISABLED;
  }

  R complete(Received<?> received) {
    if (onReceive == null) {
      throw new IllegalStateException("not a receive case");
    }
    return onReceive.apply(received);
  }

  R completeSend(SendResult result) {
    if (onSend == null) {
      throw new IllegalStateException("not a send case");
    }
    return onSend.apply(result);
  }

  R complete() {
    if (onReady == null) {
      throw new IllegalStateException("not a done or default case");
    }
    return onReady.get();
  }

  @Override
  public String toString() {
    return "SelectCase{" + kind + (channel == null ? "" : ", " + channel) + "}";
  }
}
