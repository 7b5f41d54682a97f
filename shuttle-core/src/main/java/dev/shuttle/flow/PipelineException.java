package dev.shuttle.flow;

import java.io.Serial;

/**
 * A pipeline run that was cancelled by a failure ({@link FailurePolicy#cancelPipeline()}, or a
 * failing source); the failure is the cause.
 */
public final class PipelineException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception for {@code pipeline} failing with {@code cause}.
   *
   * @param pipeline the pipeline's name
   * @param cause the failure that cancelled the run
   */
  public PipelineException(String pipeline, Throwable cause) {
    super("pipeline " + pipeline + " failed: " + cause, cause);
  }
}
