package dev.shuttle.flow;

import dev.shuttle.channel.Message;
import dev.shuttle.channel.ReceiveChannel;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One running execution of a {@link Pipeline}: its output channel, its completion and its
 * cancellation.
 *
 * {@snippet :
 * try (PipelineRun<Order> run = pipeline.start(Context.current(), orders)) {
 *   for (Order done : run.output()) ship(done); // ends when every item is through
 *   run.await();                                // rethrows a failure that cancelled the run
 * } // close(): cancels and waits if the block ended early: no thread is left behind
 * }
 *
 * <p>Thread-safe. Implementation note: a handle with no mutable state of its own; the run's
 * threads, channels and outcome belong to its engine ({@code PipelineEngine}), whose implementation
 * note describes them.
 *
 * @param <O> the output type
 */
public final class PipelineRun<O> implements AutoCloseable {
  private final PipelineEngine<O> engine;
  private final ReceiveChannel<O> output;

  private PipelineRun(PipelineEngine<O> engine) {
    this.engine = engine;
    this.output = engine.output().receiveOnly();
  }

  static <I, O> PipelineRun<O> start(
      Pipeline<I, O> pipeline, Context parent, PipelineSource<I> source) {
    Objects.requireNonNull(parent, "parent");
    PipelineEngine<O> engine = new PipelineEngine<>(pipeline, parent);
    engine.start(source);
    return new PipelineRun<>(engine);
  }

  /**
   * {@return the receive-only channel of results} It closes when every item is through; if the run
   * was cancelled it closes with the reason (a {@link PipelineException} or a {@link
   * ContextDoneException}), so iterating over it ends with a {@link
   * dev.shuttle.channel.ChannelClosedException} whose cause says why. Each message carries its
   * item's context. A consumer that {@linkplain ReceiveChannel#cancel() cancels} it stops taking
   * results; cancel the run too ({@link #cancel()}) so that its stages stop.
   */
  public ReceiveChannel<O> output() {
    return output;
  }

  /** {@return the run's context: cancelled when the run is cancelled} */
  public Context context() {
    return engine.context();
  }

  /**
   * Hands every output to {@code consumer} on the calling thread, then waits for the run to end.
   *
   * @param consumer receives each output value, in the order of {@link #output()}
   * @throws PipelineException if a failure cancelled the run
   * @throws ContextDoneException if the run or its parent context was cancelled
   * @throws InterruptedException if interrupted; the run is then cancelled
   */
  public void forEach(Consumer<? super O> consumer) throws InterruptedException {
    Objects.requireNonNull(consumer, "consumer");
    try {
      while (output.receiveOrClosed(Context.root()) instanceof Message<O> message) {
        consumer.accept(message.value());
      }
    } catch (InterruptedException e) {
      cancel();
      throw e;
    }
    await();
  }

  /**
   * Waits until every thread of the run has finished: every item is through (if {@link #output()}
   * is being consumed), dropped, or cancelled.
   *
   * @throws PipelineException if a failure cancelled the run
   * @throws ContextDoneException if the run or its parent context was cancelled
   * @throws InterruptedException if interrupted while waiting (the run goes on)
   */
  public void await() throws InterruptedException {
    engine.awaitFinished();
    RuntimeException result = engine.outcome();
    if (result != null) {
      throw result;
    }
  }

  /**
   * Cancels the run: every stage stops promptly, and in-flight items end as cancelled. A stage
   * function that is running is interrupted (unless the run's context was made by {@link
   * Contexts#withoutInterrupt}), so blocking Java calls in it end too; Shuttle's blocking calls in
   * it honour the run's cancellation, which is current while it runs.
   */
  public void cancel() {
    engine.cancel();
  }

  /** {@return {@code true} once every thread of the run has finished} */
  public boolean isDone() {
    return engine.isFinished();
  }

  /**
   * Cancels the run if it is still going, and waits for its threads to finish: leaving a
   * try-with-resources block early leaves no thread behind. If interrupted while waiting, returns
   * with the interrupt flag set.
   */
  @Override
  public void close() {
    if (!isDone()) {
      cancel();
    }
    try {
      engine.awaitFinished();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
