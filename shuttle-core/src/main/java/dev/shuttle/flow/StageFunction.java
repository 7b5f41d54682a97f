package dev.shuttle.flow;

/**
 * The work of one pipeline stage or fan-out worker: turns an input into an output. It runs with the
 * item's context current (its span, and the run's cancellation), and may throw. Long-running work
 * should honour that cancellation, so that cancelling a run stops it promptly.
 *
 * @param <A> the input type
 * @param <B> the output type; a stage must not return {@code null}
 */
@FunctionalInterface
public interface StageFunction<A, B> {
  /**
   * Processes {@code input}.
   *
   * @param input the item's value, or the previous stage's output
   * @return the output, which goes to the next stage or to the output channel
   * @throws Exception if the work fails: a pipeline applies its {@link FailurePolicy}; a fan-out's
   *     {@link FanOutBuilder#share share} stops its workers and closes its results with the failure
   */
  B apply(A input) throws Exception;
}
