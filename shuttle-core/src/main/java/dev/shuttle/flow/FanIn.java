package dev.shuttle.flow;

import dev.shuttle.channel.Channel;
import dev.shuttle.channel.ChannelClosedException;
import dev.shuttle.channel.Select;
import dev.shuttle.context.ContextDoneException;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Objects;

/**
 * Fan-in: merges several channels into one (the guide's {@code fanIn}, with one thread and no
 * {@code WaitGroup}).
 *
 * {@snippet :
 * Channel<Result> results = FanIn.merge(Context.current(), workerOutputs, 10);
 * for (Message<Result> m : results.messages()) { ... } // ends when every worker output has closed
 * }
 *
 * <p>Thread-safe; each merge runs on a virtual thread of its own, in the given context.
 */
public final class FanIn {
  private FanIn() {}

  /**
   * Returns a channel (buffer {@code buffer}) that receives every message of {@code inputs}, each
   * with the context it was sent in, and closes once every input has closed and been drained. If an
   * input was closed with an error, or {@code context} is done, the merged channel closes with that
   * error instead (after the messages forwarded so far); the merge thread then ends.
   */
  public static <T> Channel<T> merge(
      Context context, List<? extends Channel<? extends T>> inputs, int buffer) {
    Objects.requireNonNull(context, "context");
    List<? extends Channel<? extends T>> sources = List.copyOf(inputs);
    Channel<T> merged = Channel.buffered(buffer);
    Thread.ofVirtual()
        .name("shuttle-fan-in")
        .start(
            context.wrap(
                () -> {
                  try {
                    Select.<T>receiveAll(
                        context, sources, message -> merged.sendMessage(context, message));
                    merged.close();
                  } catch (ChannelClosedException | ContextDoneException e) {
                    merged.close(e);
                  } catch (InterruptedException e) {
                    merged.close(e);
                    Thread.currentThread().interrupt();
                  }
                }));
    return merged;
  }
}
