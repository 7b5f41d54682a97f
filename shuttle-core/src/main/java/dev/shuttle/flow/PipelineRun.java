package dev.shuttle.flow;

import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Closed;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.Received;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Cancellation;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import dev.shuttle.internal.CallerSpans;
import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.run.InterruptOnCancel;
import dev.shuttle.internal.run.SpanOutcome;
import dev.shuttle.telemetry.ChannelAttributes;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

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
 * <h2>Implementation note</h2>
 *
 * A run has one source thread, {@code concurrency} threads per stage and one sink thread, all
 * virtual, all running in the run's context (a {@link Contexts#withCancel} child of the caller's).
 * While a stage function runs, an {@link InterruptOnCancel} guard interrupts its thread if the run
 * is cancelled, and clears that interrupt before the thread goes on. Stage {@code k} reads channel
 * {@code k} and writes channel {@code k + 1}; the last worker of a stage to finish closes its
 * output, so closing propagates from the source to the sink, which then closes the {@linkplain
 * #output() output}. Every blocking call uses the run's context, so {@link #cancel()} (or a failure
 * under {@link FailurePolicy#cancelPipeline()}) stops every thread promptly; the last thread of
 * each stage then drains its input, ending the spans of the items left there, so every item span
 * ends exactly once: completed at the sink, dropped or failed at a stage, or cancelled wherever the
 * cancellation found it.
 *
 * <p>Ordered runs number items at the source and re-sequence them at the sink; a dropped item
 * travels on as a tombstone so the sink does not wait for it. A window of tokens (a channel holding
 * as many tokens as the pipeline can hold items) bounds how far items may run ahead.
 *
 * <p>Thread-safe.
 *
 * @param <O> the output type
 */
public final class PipelineRun<O> implements AutoCloseable {
  private static final Object TOMBSTONE = new Object();
  private static final String COMPLETED = "completed";
  private static final String DROPPED = "dropped";
  private static final String FAILED = "failed";
  private static final String CANCELED = "canceled";

  private final Pipeline<?, O> pipeline;
  private final CancelableContext run;
  private final Context runContext;
  private final Cancellation runCancellation;
  private final List<Channel<Item>> links = new ArrayList<>();
  private final Channel<O> output;
  private final @Nullable Channel<Boolean> window;
  private final CountDownLatch finished;
  private final AtomicInteger running;
  private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
  private volatile @Nullable RuntimeException outcome;

  private PipelineRun(Pipeline<?, O> pipeline, Context parent) {
    this.pipeline = pipeline;
    this.run = Contexts.withCancel(parent);
    this.runContext = run.context();
    this.runCancellation = run.cancellation();
    int stages = pipeline.stages.size();
    int workers = 0;
    for (Pipeline.Stage stage : pipeline.stages) {
      workers += stage.concurrency();
    }
    for (int i = 0; i <= stages; i++) {
      links.add(Channel.buffered(pipeline.buffer));
    }
    this.output = Channel.buffered(pipeline.buffer);
    this.window =
        pipeline.ordered ? Channel.buffered(pipeline.buffer * (stages + 2) + workers + 1) : null;
    this.finished = new CountDownLatch(workers + 2);
    this.running = new AtomicInteger(workers + 2);
  }

  static <I, O> PipelineRun<O> start(Pipeline<I, O> pipeline, Context parent, Source<I> source) {
    Objects.requireNonNull(parent, "parent");
    PipelineRun<O> run = new PipelineRun<>(pipeline, parent);
    run.startThreads(source);
    return run;
  }

  private void startThreads(Source<?> source) {
    String prefix = "shuttle-pipeline-" + pipeline.name + "-";
    String owner = "pipeline " + pipeline.name;
    startThread(prefix + "source", owner + " source", () -> runSource(source));
    for (int k = 0; k < pipeline.stages.size(); k++) {
      Pipeline.Stage stage = pipeline.stages.get(k);
      AtomicInteger remaining = new AtomicInteger(stage.concurrency());
      for (int w = 0; w < stage.concurrency(); w++) {
        int stageIndex = k;
        int worker = w;
        startThread(
            prefix + stage.name() + "-" + w,
            owner + " stage " + stage.name(),
            () -> runStage(stageIndex, worker, remaining));
      }
    }
    startThread(prefix + "sink", owner + " sink", this::runSink);
  }

  private void startThread(String name, String owner, Runnable body) {
    Runnable registered = GoroutineRegistry.registered(owner, runContext, body);
    Thread.ofVirtual()
        .name(name)
        .start(
            runContext.wrap(
                () -> {
                  try {
                    registered.run(); // deregistered before the run counts as finished
                  } finally {
                    if (running.decrementAndGet() == 0) {
                      run.cancel(); // releases the run's registration with its parent
                    }
                    finished.countDown();
                  }
                }));
  }

  // ------------------------------------------------------------------ API

  /**
   * Returns the channel of results. It closes when every item is through; if the run was cancelled
   * it closes with the reason (a {@link PipelineException} or a {@link ContextDoneException}), so
   * iterating over it ends with a {@link dev.shuttle.channel.ChannelClosedException} whose cause
   * says why. Each message carries its item's context.
   */
  public Channel<O> output() {
    return output;
  }

  /** Returns the run's context: cancelled when the run is cancelled. */
  public Context context() {
    return runContext;
  }

  /**
   * Hands every output to {@code consumer} on the calling thread, then waits for the run to end.
   *
   * @throws PipelineException if a failure cancelled the run
   * @throws ContextDoneException if the run or its parent context was cancelled
   * @throws InterruptedException if interrupted; the run is then cancelled
   */
  public void forEach(java.util.function.Consumer<? super O> consumer) throws InterruptedException {
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
    finished.await();
    RuntimeException result = outcome;
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
    run.cancel();
  }

  /** Returns {@code true} once every thread of the run has finished. */
  public boolean isDone() {
    return finished.getCount() == 0;
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
      finished.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // -------------------------------------------------------------- source

  private void runSource(Source<?> source) {
    long[] seq = {0};
    try {
      source.feed(
          runContext,
          (value, parent) -> {
            Objects.requireNonNull(value, "a pipeline source produced null");
            if (window != null) {
              window.send(runContext, Boolean.TRUE);
            }
            Span itemSpan = startItemSpan(value, parent, seq[0]);
            try {
              links.get(0).send(runContext.with(itemSpan), new Item(seq[0], value));
            } catch (InterruptedException | RuntimeException e) {
              endItem(itemSpan, CANCELED, e);
              throw e;
            }
            seq[0]++;
          });
    } catch (InterruptedException | RuntimeException e) {
      stopped(e);
    } finally {
      links.get(0).close();
    }
  }

  /**
   * Starts the span of one item: the caller's name, and for a recorded span the caller's attributes
   * and then Shuttle's. If the caller's attribute function throws, the span ends failed and the
   * failure stops the source.
   */
  private Span startItemSpan(Object value, Context parent, long index) {
    Span span =
        ShuttleTelemetry.tracer().spanBuilder(pipeline.itemSpanName).setParent(parent).startSpan();
    if (span.isRecording()) { // attributes only for sampled spans: the unsampled path stays cheap
      Attributes given;
      try {
        given =
            Objects.requireNonNull(
                pipeline.itemAttributes.apply(value), "the item span's attributes were null");
        span.setAllAttributes(given);
      } catch (RuntimeException | Error e) {
        endItem(span, FAILED, e);
        throw e;
      }
      CallerSpans.putUnlessGiven(span, given, ChannelAttributes.PIPELINE_NAME, pipeline.name);
      CallerSpans.putUnlessGiven(span, given, ChannelAttributes.PIPELINE_ITEM_INDEX, index);
    }
    return span;
  }

  // -------------------------------------------------------------- stages

  private void runStage(int stageIndex, int worker, AtomicInteger remaining) {
    Pipeline.Stage stage = pipeline.stages.get(stageIndex);
    Channel<Item> in = links.get(stageIndex);
    Channel<Item> out = links.get(stageIndex + 1);
    try {
      while (in.receiveOrClosed(runContext) instanceof Message<Item> message) {
        process(stage, worker, message, out);
      }
    } catch (InterruptedException | RuntimeException e) {
      stopped(e);
    } finally {
      if (remaining.decrementAndGet() == 0) {
        if (runCancellation.isDone()) {
          drainCancelled(in);
        }
        out.close();
      }
    }
  }

  @SuppressWarnings("try") // the scope is only closed
  private void process(Pipeline.Stage stage, int worker, Message<Item> message, Channel<Item> out)
      throws InterruptedException {
    Item item = message.value();
    if (item.value() == TOMBSTONE) {
      out.sendMessage(runContext, message);
      return;
    }
    Span stageSpan =
        ShuttleTelemetry.tracer()
            .spanBuilder(stage.name())
            .setParent(message.context())
            .setAttribute(ChannelAttributes.PIPELINE_NAME, pipeline.name)
            .setAttribute(ChannelAttributes.PIPELINE_STAGE, stage.name())
            .setAttribute(ChannelAttributes.WORKER_INDEX, (long) worker)
            .startSpan();
    @Nullable Object result = null;
    Throwable failure = null;
    InterruptOnCancel interrupt = InterruptOnCancel.arm(runContext);
    try (Scope ignored = message.context().with(stageSpan).makeCurrent()) {
      result =
          Objects.requireNonNull(
              stage.function().apply(item.value()), "stage " + stage.name() + " returned null");
    } catch (Throwable t) {
      failure = t;
    }
    failure = interrupt.disarm(failure);
    if (failure != null) {
      SpanOutcome.recordFailure(stageSpan, failure);
      stageSpan.end();
      if (failure instanceof Error error) {
        throw error;
      }
      failed(stage, message, asException(failure), out);
      return;
    }
    stageSpan.end();
    try {
      out.sendMessage(
          runContext, message.withValue(new Item(item.seq(), Objects.requireNonNull(result))));
    } catch (InterruptedException | RuntimeException e) {
      endItem(Span.fromContext(message.context()), CANCELED, e);
      throw e;
    }
  }

  private void failed(Pipeline.Stage stage, Message<Item> message, Exception e, Channel<Item> out)
      throws InterruptedException {
    Span itemSpan = Span.fromContext(message.context());
    if (e instanceof InterruptedException interrupted) {
      endItem(itemSpan, CANCELED, e);
      throw interrupted;
    }
    if (e instanceof ContextDoneException done && runCancellation.isDone()) {
      endItem(itemSpan, CANCELED, e);
      throw done;
    }
    switch (pipeline.failurePolicy) {
      case FailurePolicy.Drop drop -> endItem(itemSpan, DROPPED, e);
      case FailurePolicy.SendTo sendTo -> {
        endItem(itemSpan, DROPPED, e);
        sendTo
            .errors()
            .send(
                runContext,
                new StageFailure(stage.name(), message.value().value(), e, message.context()));
      }
      case FailurePolicy.Cancel cancel -> {
        endItem(itemSpan, FAILED, e);
        fail(e);
        return;
      }
    }
    if (window != null) { // let the ordered sink move past this item
      out.sendMessage(runContext, message.withValue(new Item(message.value().seq(), TOMBSTONE)));
    }
  }

  // ---------------------------------------------------------------- sink

  private void runSink() {
    Channel<Item> last = links.get(links.size() - 1);
    TreeMap<Long, Message<Item>> pending = new TreeMap<>();
    long next = 0;
    try {
      while (last.receiveOrClosed(runContext) instanceof Message<Item> message) {
        if (window == null) {
          emit(message);
          continue;
        }
        pending.put(message.value().seq(), message);
        for (Message<Item> ready = pending.remove(next);
            ready != null;
            ready = pending.remove(next)) {
          next++;
          window.tryReceive(); // frees the item's token
          emit(ready);
        }
      }
    } catch (InterruptedException | RuntimeException e) {
      stopped(e);
    } finally {
      if (runCancellation.isDone()) {
        drainCancelled(last);
        for (Map.Entry<Long, Message<Item>> entry : pending.entrySet()) {
          cancelledItem(entry.getValue());
        }
      }
      closeOutput();
    }
  }

  private void emit(Message<Item> message) throws InterruptedException {
    Object value = message.value().value();
    if (value == TOMBSTONE) {
      return;
    }
    endItem(Span.fromContext(message.context()), COMPLETED, null);
    output.sendMessage(runContext, new Message<>(cast(value), message.context()));
  }

  private void closeOutput() {
    Throwable cause = failure.get();
    RuntimeException result = null;
    if (cause != null) {
      result = new PipelineException(pipeline.name, cause);
    } else if (runCancellation.isDone()) {
      ContextError err = Objects.requireNonNull(runCancellation.err());
      result = new ContextDoneException(err, runCancellation.cause());
    }
    outcome = result;
    if (result == null) {
      output.close();
    } else {
      output.close(result);
    }
  }

  // ------------------------------------------------------------- helpers

  /** A thread stopped on an exception: a cancellation of the run, or a failure that cancels it. */
  private void stopped(Throwable e) {
    if (e instanceof ContextDoneException && runCancellation.isDone()) {
      return;
    }
    fail(e);
  }

  private void fail(Throwable e) {
    failure.compareAndSet(null, e);
    run.cancel(e);
  }

  /** Receives until {@code in} closes (its writers are stopping), ending each item as cancelled. */
  private void drainCancelled(Channel<Item> in) {
    try {
      while (in.receiveOrClosed(Context.root()) instanceof Message<Item> message) {
        cancelledItem(message);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void cancelledItem(Message<Item> message) {
    if (message.value().value() != TOMBSTONE) {
      Throwable cause = runCancellation.cause();
      endItem(
          Span.fromContext(message.context()),
          CANCELED,
          cause instanceof ContextDoneException
              ? cause
              : new ContextDoneException(
                  Objects.requireNonNullElse(runCancellation.err(), ContextError.CANCELED), cause));
    }
  }

  /** A stage function declares {@code Exception}; anything else got past the compiler. */
  private static Exception asException(Throwable failure) {
    return failure instanceof Exception e ? e : new UndeclaredThrowableException(failure);
  }

  private static void endItem(Span span, String itemOutcome, @Nullable Throwable error) {
    span.setAttribute(ChannelAttributes.PIPELINE_ITEM_OUTCOME, itemOutcome);
    if (error != null) {
      SpanOutcome.recordFailure(span, error);
    }
    span.end();
  }

  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
  private static <T> T cast(Object value) {
    return (T) value;
  }

  /** An item on its way: its position at the source and its current value. */
  record Item(long seq, Object value) {}

  /** Feeds items with the context that should parent their spans. */
  interface Source<I> {
    void feed(Context runContext, Feeder feeder) throws InterruptedException;

    static <I> Source<I> of(Iterable<? extends I> iterable) {
      return (runContext, feeder) -> {
        for (I value : iterable) {
          Contexts.cancellation(runContext).throwIfDone();
          feeder.accept(value, runContext);
        }
      };
    }

    static <I> Source<I> of(Channel<? extends I> channel) {
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
  }

  /** Accepts one item from the source. */
  interface Feeder {
    void accept(Object value, Context parent) throws InterruptedException;
  }
}
