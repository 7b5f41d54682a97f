package dev.shuttle.flow;

import dev.shuttle.channel.SendChannel;
import java.util.Objects;

/**
 * What a pipeline does with an item whose stage throws. In every case the failure is recorded on
 * the stage's span and on the item's span (status ERROR), which then ends.
 */
public sealed interface FailurePolicy {
  /**
   * {@return a policy that records the failure and drops the item; the pipeline goes on (the
   * default)}
   */
  static FailurePolicy drop() {
    return Drop.INSTANCE;
  }

  /**
   * Record the failure, drop the item, and send a {@link StageFailure} to {@code errors}. The send
   * blocks like any other (back-pressure): drain the channel while the pipeline runs. The pipeline
   * does not close it.
   *
   * @param errors where failures go, one {@link StageFailure} per failed item
   * @return the policy
   */
  static FailurePolicy sendTo(SendChannel<? super StageFailure> errors) {
    return new SendTo(Objects.requireNonNull(errors, "errors"));
  }

  /**
   * Cancel the whole run with the failure as the cause: every stage stops promptly, the output
   * channel closes with a {@link PipelineException}, and {@link PipelineRun#await()} throws it.
   *
   * @return the policy
   */
  static FailurePolicy cancelPipeline() {
    return Cancel.INSTANCE;
  }

  /** See {@link #drop()}. */
  enum Drop implements FailurePolicy {
    /** The only instance. */
    INSTANCE
  }

  /** See {@link #cancelPipeline()}. */
  enum Cancel implements FailurePolicy {
    /** The only instance. */
    INSTANCE
  }

  /**
   * See {@link #sendTo}.
   *
   * @param errors where failures go
   */
  record SendTo(SendChannel<? super StageFailure> errors) implements FailurePolicy {}
}
