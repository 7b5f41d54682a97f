package dev.shuttle.flow;

import dev.shuttle.channel.Channel;
import dev.shuttle.channel.ChannelClosedException;
import org.jspecify.annotations.Nullable;

/** How the fan-out and fan-in threads end their output channels. */
final class Closing {
  private Closing() {}

  /**
   * Closes {@code output}, with {@code error} if there is one; a channel its consumer has closed
   * already is left as it is, since nobody will read the outcome.
   */
  static void closeOutput(Channel<?> output, @Nullable Throwable error) {
    try {
      if (error == null) {
        output.close();
      } else {
        output.close(error);
      }
    } catch (ChannelClosedException closedByItsConsumer) {
      // its consumer has gone and will not read the outcome
    }
  }
}
