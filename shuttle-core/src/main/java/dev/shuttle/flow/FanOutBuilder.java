package dev.shuttle.flow;

import dev.shuttle.channel.ReceiveChannel;
import dev.shuttle.internal.Checks;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Objects;

/**
 * Configures a fan-out of one input channel and starts it: {@link #roundRobin} deals the messages
 * to N output channels in turn, {@link #share} lets N workers take them as they become free. The
 * count is the one argument of the step that uses it, and the output buffer is set by name, so the
 * two numbers cannot be swapped.
 *
 * {@snippet :
 * List<ReceiveChannel<Order>> lanes = FanOut.builder(context, orders).buffer(10).roundRobin(3);
 * ReceiveChannel<Receipt> receipts =
 *     FanOut.builder(context, orders).buffer(10).share(4, "charge", order -> charge(order));
 * }
 *
 * <p>Not thread-safe; each {@code roundRobin} or {@code share} starts a new, independent fan-out.
 *
 * @param <T> the type of the input's values
 */
public final class FanOutBuilder<T> {
  private final Context context;
  private final ReceiveChannel<? extends T> input;
  private int buffer;

  FanOutBuilder(Context context, ReceiveChannel<? extends T> input) {
    this.context = Objects.requireNonNull(context, "context");
    this.input = Objects.requireNonNull(input, "input");
  }

  /**
   * Sets the buffer of each output channel; 0 (the default) makes rendezvous channels.
   *
   * @param buffer the capacity of each output channel
   * @return this builder
   * @throws IllegalArgumentException if {@code buffer} is negative
   */
  public FanOutBuilder<T> buffer(int buffer) {
    this.buffer = Checks.nonNegative(buffer, "buffer");
    return this;
  }

  /**
   * Deals the messages of the input to {@code outputs} new channels in turn (Go's fan-out pattern),
   * and closes them all when the input closes: with the same error as the input (the object passed
   * to its {@code close(error)}), if it had one, or with the {@link
   * dev.shuttle.context.ContextDoneException} that says why, if the context is done first.
   *
   * <p>An output whose consumer {@linkplain ReceiveChannel#cancel() cancels} it leaves the
   * rotation: the message that found it closed goes to the next output instead, so none is lost
   * (messages already buffered in it stay there for its consumer to drain). Once every output is
   * cancelled the distributor stops taking messages from the input.
   *
   * @param outputs how many output channels, at least 1
   * @return the receive-only outputs, one per consumer
   * @throws IllegalArgumentException if {@code outputs} is less than 1
   */
  public List<ReceiveChannel<T>> roundRobin(int outputs) {
    return FanOut.roundRobin(context, input, Checks.positive(outputs, "outputs"), buffer);
  }

  /**
   * Starts {@code workers} workers that take messages from the input as they become free and apply
   * {@code function} in a span named {@code spanName}, a child of the message's context (attribute
   * {@code worker.index}); returns the channel of their results, each carrying its message's
   * context, which closes when the input is closed and every worker is done.
   *
   * <p>If {@code function} throws, the failure is recorded on its span, the other workers stop, and
   * the result channel closes with the failure.
   *
   * @param workers how many workers, at least 1
   * @param spanName the name of each worker's span for a message
   * @param function the work applied to each message's value
   * @param <R> the results' type
   * @return the receive-only channel of results
   * @throws IllegalArgumentException if {@code workers} is less than 1, or {@code spanName} is
   *     blank
   */
  public <R> ReceiveChannel<R> share(
      int workers, String spanName, StageFunction<? super T, ? extends R> function) {
    Checks.positive(workers, "workers");
    Checks.spanName(spanName);
    Objects.requireNonNull(function, "function");
    return FanOut.share(context, input, workers, spanName, function, buffer);
  }
}
