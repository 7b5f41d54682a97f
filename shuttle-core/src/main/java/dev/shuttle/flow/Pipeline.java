package dev.shuttle.flow;

import dev.shuttle.channel.ReceiveChannel;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A multi-stage pipeline over channels (Go's pipeline pattern): each stage runs on its own virtual
 * threads, stages are joined by bounded channels (back-pressure), and each item is traced from
 * source to sink.
 *
 * {@snippet :
 * Pipeline<String, String> pipeline = Pipeline.<String>builder("multi-stage")
 *     .itemSpan("data-item", s -> Attributes.of(DATA, s)) // each item's span, parent of its stages
 *     .stage("stage-1-process", s -> "stage1-" + s)
 *     .stage("stage-2-process", 4, s -> "stage2-" + s) // four workers
 *     .stage("stage-3-process", s -> "stage3-" + s)
 *     .buffer(10)
 *     .ordered(true)
 *     .onFailure(FailurePolicy.drop())
 *     .build();
 * List<String> results = pipeline.run(Context.current(), List.of("a", "b", "c")); // waits, no sleep
 * }
 *
 * <h2>Tracing</h2>
 *
 * Each item gets one span at the source — named {@code pipeline.item}, or as {@link
 * PipelineBuilder#itemSpan} says, a child of the context passed to {@link #start} (or, for a
 * channel source, of the context the item was sent in) — that ends when the item leaves the
 * pipeline, or fails. Each stage's work on the item is a child span named after the stage, current
 * while the stage function runs. Output messages carry the item's context, so consumers of {@link
 * PipelineRun#output()} can continue the trace.
 *
 * <p>A pipeline is an immutable, reusable description; every {@code start} is an independent run.
 * Thread-safe.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class Pipeline<I, O> {
  final String name;
  final List<Stage> stages;
  final int buffer;
  final boolean ordered;
  final FailurePolicy failurePolicy;
  final String itemSpanName;
  final Function<Object, Attributes> itemAttributes;

  Pipeline(
      String name,
      List<Stage> stages,
      int buffer,
      boolean ordered,
      FailurePolicy policy,
      String itemSpanName,
      Function<Object, Attributes> itemAttributes) {
    this.name = name;
    this.stages = List.copyOf(stages);
    this.buffer = buffer;
    this.ordered = ordered;
    this.failurePolicy = policy;
    this.itemSpanName = itemSpanName;
    this.itemAttributes = itemAttributes;
  }

  /**
   * {@return a builder for a pipeline called {@code name} whose input type is {@code I}}
   *
   * @param name the pipeline's name, recorded as {@code pipeline.name} on each item's span
   * @param <I> the pipeline's input type
   */
  public static <I> PipelineBuilder<I, I> builder(String name) {
    return new PipelineBuilder<>(Objects.requireNonNull(name, "name"));
  }

  /** {@return the pipeline's name} */
  public String name() {
    return name;
  }

  /**
   * Starts a run that feeds the pipeline from {@code source} (iterated on a thread of the run) and
   * returns at once; read the results from {@link PipelineRun#output()}.
   *
   * @param context the parent of every item span; its cancellation cancels the run
   * @param source the items to feed in
   * @return the run, already going
   */
  public PipelineRun<O> start(Context context, Iterable<? extends I> source) {
    Objects.requireNonNull(source, "source");
    return PipelineRun.start(this, context, PipelineSource.of(source));
  }

  /**
   * Starts a run that feeds the pipeline from {@code source} until it is closed; each item span is
   * a child of the context its item was sent in.
   *
   * @param context its cancellation cancels the run
   * @param source the channel whose values to feed in
   * @return the run, already going
   */
  public PipelineRun<O> start(Context context, ReceiveChannel<? extends I> source) {
    Objects.requireNonNull(source, "source");
    return PipelineRun.start(this, context, PipelineSource.of(source));
  }

  /**
   * Runs the pipeline over {@code source} and returns every output (in input order if the pipeline
   * is {@linkplain PipelineBuilder#ordered ordered}) once every item is done.
   *
   * @param context the parent of every item span; its cancellation cancels the run
   * @param source the items to feed in
   * @return the outputs of the items that made it through
   * @throws PipelineException if a failure cancelled the run
   * @throws dev.shuttle.context.ContextDoneException if {@code context} was cancelled
   * @throws InterruptedException if interrupted while waiting; the run is then cancelled
   */
  public List<O> run(Context context, Iterable<? extends I> source) throws InterruptedException {
    try (PipelineRun<O> run = start(context, source)) {
      List<O> results = new ArrayList<>();
      run.forEach(results::add);
      return results;
    }
  }

  @Override
  public String toString() {
    return "Pipeline{" + name + ", stages=" + stages.stream().map(Stage::name).toList() + "}";
  }

  /** One stage: its name, number of workers, and function. */
  record Stage(String name, int concurrency, StageFunction<Object, Object> function) {}
}
