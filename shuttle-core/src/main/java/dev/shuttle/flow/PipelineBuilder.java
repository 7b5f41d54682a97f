package dev.shuttle.flow;

import dev.shuttle.internal.Checks;
import dev.shuttle.telemetry.ChannelAttributes;
import io.opentelemetry.api.common.Attributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Builds a {@link Pipeline}: stages in order, the buffer between stages, ordering, the failure
 * policy and the name of each item's span. Each setting is validated at once.
 *
 * <p>Not thread-safe. Each {@code stage} call changes the builder's output type, so chain the
 * calls.
 *
 * @param <I> the pipeline's input type
 * @param <O> the output type of the stages added so far
 */
public final class PipelineBuilder<I, O> {
  private final String name;
  private final List<Pipeline.Stage> stages = new ArrayList<>();
  private int buffer = 16;
  private boolean ordered;
  private FailurePolicy failurePolicy = FailurePolicy.drop();
  private String itemSpanName = ChannelAttributes.SPAN_PIPELINE_ITEM;
  private Function<Object, Attributes> itemAttributes = PipelineBuilder::noAttributes;

  PipelineBuilder(String name) {
    this.name = name;
  }

  /**
   * Adds a stage with one worker.
   *
   * @param stageName the stage's name, which also names its spans
   * @param fn the stage's work on each item
   * @param <N> the stage's output type
   * @return this builder, now with output type {@code N}
   */
  public <N> PipelineBuilder<I, N> stage(
      String stageName, StageFunction<? super O, ? extends N> fn) {
    return stage(stageName, 1, fn);
  }

  /**
   * Adds a stage with {@code concurrency} workers.
   *
   * @param stageName the stage's name, which also names its spans
   * @param concurrency how many workers run the stage, at least 1
   * @param fn the stage's work on each item
   * @param <N> the stage's output type
   * @return this builder, now with output type {@code N}
   * @throws IllegalArgumentException if {@code concurrency} is less than 1
   */
  @SuppressWarnings("unchecked") // the builder's type parameters only track the chain
  public <N> PipelineBuilder<I, N> stage(
      String stageName, int concurrency, StageFunction<? super O, ? extends N> fn) {
    Objects.requireNonNull(stageName, "stageName");
    Objects.requireNonNull(fn, "fn");
    if (concurrency < 1) {
      throw new IllegalArgumentException(
          "stage " + stageName + ": concurrency must be at least 1, but was " + concurrency);
    }
    stages.add(
        new Pipeline.Stage(stageName, concurrency, (StageFunction<Object, Object>) (Object) fn));
    return (PipelineBuilder<I, N>) this;
  }

  /**
   * Sets the capacity of the channels between stages (default 16); 0 makes them rendezvous.
   *
   * @param size the capacity of each channel between stages
   * @return this builder
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public PipelineBuilder<I, O> buffer(int size) {
    this.buffer = Checks.nonNegative(size, "buffer");
    return this;
  }

  /**
   * Chooses whether outputs come in input order (default {@code false}). Ordering holds back an
   * item that overtook an earlier one; how far items may run ahead is bounded by the pipeline's
   * capacity, so memory stays bounded.
   *
   * @param inOrder {@code true} to deliver outputs in input order
   * @return this builder
   */
  public PipelineBuilder<I, O> ordered(boolean inOrder) {
    this.ordered = inOrder;
    return this;
  }

  /**
   * Names each item's span {@code spanName} instead of {@code pipeline.item}: the span of one
   * item's trip through the pipeline, parent of its stage spans. Shuttle adds {@code
   * pipeline.name}, {@code pipeline.item.index} and {@code pipeline.item.outcome} to it.
   *
   * @param spanName the name of each item's span
   * @return this builder
   * @throws IllegalArgumentException if {@code spanName} is blank
   */
  public PipelineBuilder<I, O> itemSpan(String spanName) {
    this.itemSpanName = Checks.spanName(spanName);
    this.itemAttributes = PipelineBuilder::noAttributes;
    return this;
  }

  /**
   * Names each item's span {@code spanName} and gives it the attributes {@code attributes} returns
   * for the item, as the source produced it; Shuttle adds its own ({@link #itemSpan(String)}),
   * except those whose names the item's attributes already have. {@code attributes} runs on the
   * source's thread, only for spans that are recorded (sampled); if it throws, the run fails as if
   * the source had.
   *
   * {@snippet :
   * Pipeline.<String>builder("multi-stage")
   *     .itemSpan("data-item", data -> Attributes.of(DATA, data)) // one span per item
   *     .stage("stage-1-process", s -> "stage1-" + s)             // its children
   * }
   *
   * @param spanName the name of each item's span
   * @param attributes returns the attributes of an item's span, given the item
   * @return this builder
   * @throws IllegalArgumentException if {@code spanName} is blank
   */
  @SuppressWarnings("unchecked") // only ever called with the pipeline's inputs, which are I
  public PipelineBuilder<I, O> itemSpan(
      String spanName, Function<? super I, Attributes> attributes) {
    Objects.requireNonNull(attributes, "attributes");
    this.itemSpanName = Checks.spanName(spanName);
    this.itemAttributes = (Function<Object, Attributes>) (Function<?, Attributes>) attributes;
    return this;
  }

  private static Attributes noAttributes(Object item) {
    return Attributes.empty();
  }

  /**
   * Sets what happens to an item whose stage throws (default {@link FailurePolicy#drop()}).
   *
   * @param policy what to do with a failed item
   * @return this builder
   */
  public PipelineBuilder<I, O> onFailure(FailurePolicy policy) {
    this.failurePolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * {@return the pipeline}
   *
   * @throws IllegalStateException if no stage was added
   */
  public Pipeline<I, O> build() {
    if (stages.isEmpty()) {
      throw new IllegalStateException("pipeline " + name + " needs at least one stage");
    }
    return new Pipeline<>(
        name, stages, buffer, ordered, failurePolicy, itemSpanName, itemAttributes);
  }
}
