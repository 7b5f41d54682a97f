package dev.shuttle.flow;

import dev.shuttle.channel.Closed;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.ReceiveChannel;
import dev.shuttle.channel.Received;
import dev.shuttle.context.Contexts;
import io.opentelemetry.context.Context;

/**
 * Where a pipeline run's items come from: feeds each item, with the context that should parent its
 * span, to the run's source thread.
 */
interface PipelineSource<I> {
  /** Feeds every item to {@code feeder}, on the calling thread, until the source is exhausted. */
  void feed(Context runContext, Feeder feeder) throws InterruptedException;

  /** Items from an iterable; each item span is a child of the run's context. */
  static <I> PipelineSource<I> of(Iterable<? extends I> iterable) {
    return (runContext, feeder) -> {
      for (I value : iterable) {
        Contexts.cancellation(runContext).throwIfDone();
        feeder.accept(value, runContext);
      }
    };
  }

  /**
   * Items from a channel until it closes; each item span is a child of the context its item was
   * sent in. A channel closed with an error stops the source with that error.
   */
  static <I> PipelineSource<I> of(ReceiveChannel<? extends I> channel) {
    return (runContext, feeder) -> {
      while (true) {
        Received<? extends I> received = channel.receiveOrClosed(runContext);
        if (received instanceof Message<? extends I> message) {
          feeder.accept(message.value(), message.context());
        } else if (received instanceof Closed<? extends I> closed) {
          if (closed.error() != null) {
            throw closed.toException();
          }
          return;
        }
      }
    };
  }

  /** Accepts one item from the source. */
  interface Feeder {
    void accept(Object value, Context parent) throws InterruptedException;
  }
}
