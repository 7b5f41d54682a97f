package dev.shuttle.flow;

import static dev.shuttle.flow.PipelineItem.CANCELED;
import static dev.shuttle.flow.PipelineItem.COMPLETED;
import static dev.shuttle.flow.PipelineItem.DROPPED;
import static dev.shuttle.flow.PipelineItem.FAILED;
import static dev.shuttle.flow.PipelineItem.TOMBSTONE;

import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Message;
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
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Runs one execution of a {@link Pipeline}: starts its threads, moves items from the source through
 * the stages to the sink, ends every item span, and records the run's outcome. {@link PipelineRun}
 * is its public handle.
 *
 * <h2>Implementation note</h2>
 *
 * A run has one source thread, {@code concurrency} threads per stage and one sink thread, all
 * virtual, all running in the run's context (a {@link Contexts#withCancel} child of the caller's).
 * While a stage function runs, an {@link InterruptOnCancel} guard interrupts its thread if the run
 * is cancelled, and clears that interrupt before the thread goes on. Stage {@code k} reads channel
 * {@code k} and writes channel {@code k + 1}; the last worker of a stage to finish closes its
 * output, so closing propagates from the source to the sink, which then closes the run's output.
 * Every blocking call uses the run's context, so a cancellation (or a failure under {@link
 * FailurePolicy#cancelPipeline()}) stops every thread promptly; the last thread of each stage then
 * drains its input, ending the spans of the items left there, so every item span ends exactly once:
 * completed at the sink, dropped or failed at a stage, or cancelled wherever the cancellation found
 * it.
 *
 * <p>Ordered runs number items at the source and re-sequence them at the sink ({@link
 * Resequencer}); a dropped item travels on as a tombstone so the sink does not wait for it. A
 * window of tokens (a channel holding as many tokens as the pipeline can hold items) bounds how far
 * items may run ahead.
 *
 * <p>Shared mutable state, all lock-free: the first failure ({@code failure}, set once by CAS), the
 * outcome (written once by the sink before it closes the output, read after {@code finished} opens:
 * the latch orders the two), the count of running threads, and the channels, which are thread-safe.
 * Each stage's {@code remaining} counter picks the stage's last worker.
 */
final class PipelineEngine<O> {
  private final Pipeline<?, O> pipeline;
  private final CancelableContext run;
  private final Context runContext;
  private final Cancellation runCancellation;
  private final List<Channel<PipelineItem>> links = new ArrayList<>();
  private final Channel<O> output;
  private final @Nullable Channel<Boolean> window;
  private final CountDownLatch finished;
  private final AtomicInteger running;
  private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
  private volatile @Nullable RuntimeException outcome;

  PipelineEngine(Pipeline<?, O> pipeline, Context parent) {
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

  /** The channel of results; the sink closes it, with the outcome if the run was cancelled. */
  Channel<O> output() {
    return output;
  }

  /** The run's context: cancelled when the run is. */
  Context context() {
    return runContext;
  }

  /** Cancels the run. */
  void cancel() {
    run.cancel();
  }

  /** Waits until every thread of the run has finished. */
  void awaitFinished() throws InterruptedException {
    finished.await();
  }

  /** Returns {@code true} once every thread of the run has finished. */
  boolean isFinished() {
    return finished.getCount() == 0;
  }

  /** Why the run was cancelled, or {@code null}; final once {@link #isFinished()}. */
  @Nullable RuntimeException outcome() {
    return outcome;
  }

  /** Starts the source thread, every stage's workers, and the sink thread. */
  void start(PipelineSource<?> source) {
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

  // -------------------------------------------------------------- source

  private void runSource(PipelineSource<?> source) {
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
              links.get(0).send(runContext.with(itemSpan), new PipelineItem(seq[0], value));
            } catch (InterruptedException | RuntimeException e) {
              PipelineItem.end(itemSpan, CANCELED, e);
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
        PipelineItem.end(span, FAILED, e);
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
    Channel<PipelineItem> in = links.get(stageIndex);
    Channel<PipelineItem> out = links.get(stageIndex + 1);
    try {
      while (in.receiveOrClosed(runContext) instanceof Message<PipelineItem> message) {
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
  private void process(
      Pipeline.Stage stage, int worker, Message<PipelineItem> message, Channel<PipelineItem> out)
      throws InterruptedException {
    PipelineItem item = message.value();
    if (item.isTombstone()) {
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
    Throwable stageFailure = null;
    InterruptOnCancel interrupt = InterruptOnCancel.arm(runContext);
    try (Scope ignored = message.context().with(stageSpan).makeCurrent()) {
      result =
          Objects.requireNonNull(
              stage.function().apply(item.value()), "stage " + stage.name() + " returned null");
    } catch (Throwable t) {
      stageFailure = t;
    }
    stageFailure = interrupt.disarm(stageFailure);
    if (stageFailure != null) {
      SpanOutcome.recordFailure(stageSpan, stageFailure);
      stageSpan.end();
      if (stageFailure instanceof Error error) {
        throw error;
      }
      failed(stage, message, asException(stageFailure), out);
      return;
    }
    stageSpan.end();
    try {
      out.sendMessage(
          runContext,
          message.withValue(new PipelineItem(item.seq(), Objects.requireNonNull(result))));
    } catch (InterruptedException | RuntimeException e) {
      PipelineItem.end(Span.fromContext(message.context()), CANCELED, e);
      throw e;
    }
  }

  private void failed(
      Pipeline.Stage stage, Message<PipelineItem> message, Exception e, Channel<PipelineItem> out)
      throws InterruptedException {
    Span itemSpan = Span.fromContext(message.context());
    if (e instanceof InterruptedException interrupted) {
      PipelineItem.end(itemSpan, CANCELED, e);
      throw interrupted;
    }
    if (e instanceof ContextDoneException done && runCancellation.isDone()) {
      PipelineItem.end(itemSpan, CANCELED, e);
      throw done;
    }
    switch (pipeline.failurePolicy) {
      case FailurePolicy.Drop drop -> PipelineItem.end(itemSpan, DROPPED, e);
      case FailurePolicy.SendTo sendTo -> {
        PipelineItem.end(itemSpan, DROPPED, e);
        sendTo
            .errors()
            .send(
                runContext,
                new StageFailure(stage.name(), message.value().value(), e, message.context()));
      }
      case FailurePolicy.Cancel cancel -> {
        PipelineItem.end(itemSpan, FAILED, e);
        fail(e);
        return;
      }
    }
    if (window != null) { // let the ordered sink move past this item
      out.sendMessage(
          runContext, message.withValue(new PipelineItem(message.value().seq(), TOMBSTONE)));
    }
  }

  // ---------------------------------------------------------------- sink

  private void runSink() {
    Channel<PipelineItem> last = links.get(links.size() - 1);
    Resequencer resequencer = window == null ? null : new Resequencer(window);
    try {
      while (last.receiveOrClosed(runContext) instanceof Message<PipelineItem> message) {
        if (resequencer == null) {
          emit(message);
        } else {
          resequencer.accept(message, this::emit);
        }
      }
    } catch (InterruptedException | RuntimeException e) {
      stopped(e);
    } finally {
      if (runCancellation.isDone()) {
        drainCancelled(last);
        if (resequencer != null) {
          for (Message<PipelineItem> waiting : resequencer.takeWaiting()) {
            cancelledItem(waiting);
          }
        }
      }
      closeOutput();
    }
  }

  private void emit(Message<PipelineItem> message) throws InterruptedException {
    PipelineItem item = message.value();
    if (item.isTombstone()) {
      return;
    }
    PipelineItem.end(Span.fromContext(message.context()), COMPLETED, null);
    output.sendMessage(runContext, new Message<>(cast(item.value()), message.context()));
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
  private void drainCancelled(Channel<PipelineItem> in) {
    try {
      while (in.receiveOrClosed(Context.root()) instanceof Message<PipelineItem> message) {
        cancelledItem(message);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void cancelledItem(Message<PipelineItem> message) {
    if (!message.value().isTombstone()) {
      Throwable cause = runCancellation.cause();
      PipelineItem.end(
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

  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
  private static <T> T cast(Object value) {
    return (T) value;
  }
}
