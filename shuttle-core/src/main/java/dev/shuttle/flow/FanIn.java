package dev.shuttle.flow;

import dev.shuttle.channel.Channel;
import dev.shuttle.channel.ChannelClosedException;
import dev.shuttle.channel.ReceiveChannel;
import dev.shuttle.channel.Select;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.internal.GoroutineRegistry;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Objects;

/**
 * Fan-in: merges several channels into one (Go's fan-in pattern, with one thread and no {@code
 * WaitGroup}).
 *
 * {@snippet :
 * ReceiveChannel<Result> results = FanIn.merge(Context.current(), workerOutputs, 10);
 * for (Message<Result> m : results.messages()) { ... } // ends when every worker output has closed
 * }
 *
 * <p>Thread-safe; each merge runs on a virtual thread of its own, in the given context.
 */
public final class FanIn {
  private FanIn() {}

  /**
   * {@return a receive-only channel (buffer {@code buffer}) that receives every message of {@code
   * inputs}, each with the context it was sent in, and closes once every input has closed and been
   * drained}
   *
   * <p>If an input was closed with an error, the merged channel closes with that same error (the
   * object passed to the input's {@code close(error)}), after the messages forwarded so far; if
   * {@code context} is done first, it closes with the {@link ContextDoneException} that says why.
   * The merge thread then ends; messages still in other inputs stay there. If the consumer
   * {@linkplain ReceiveChannel#cancel() cancels} the merged channel, the merge ends quietly once it
   * next has a message to forward: that message has nobody left to receive it and is discarded, and
   * nothing more is taken from the inputs.
   *
   * @param context the merge thread's context; its cancellation ends the merge
   * @param inputs the channels to merge
   * @param buffer the merged channel's capacity; 0 makes it rendezvous
   * @param <T> the values' type
   * @throws IllegalArgumentException if {@code buffer} is negative or above 2<sup>30</sup>
   */
  public static <T> ReceiveChannel<T> merge(
      Context context, List<? extends ReceiveChannel<? extends T>> inputs, int buffer) {
    Objects.requireNonNull(context, "context");
    List<? extends ReceiveChannel<? extends T>> sources = List.copyOf(inputs);
    Channel<T> merged = Channel.buffered(buffer);
    Thread.ofVirtual()
        .name("shuttle-fan-in")
        .start(
            context.wrap(
                GoroutineRegistry.registered(
                    "fan-in", context, () -> forward(context, sources, merged))));
    return merged.receiveOnly();
  }

  /** The merge thread's body: it throws nothing, every outcome ends in {@code merged}. */
  private static <T> void forward(
      Context context, List<? extends ReceiveChannel<? extends T>> sources, Channel<T> merged) {
    Throwable error = null;
    try {
      Select.<T>receiveAll(context, sources, message -> merged.sendMessage(context, message));
    } catch (ChannelClosedException e) {
      if (merged.isClosed()) {
        return; // the consumer cancelled the merged channel: nobody is left to tell
      }
      // an input closed with an error (receiveAll throws only for those): pass on its own error
      Throwable inputError = e.error();
      error = inputError == null ? e : inputError;
    } catch (ContextDoneException e) {
      error = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = e;
    }
    Closing.closeOutput(merged, error);
  }
}
