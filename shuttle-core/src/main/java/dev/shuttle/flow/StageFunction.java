package dev.shuttle.flow;

/**
 * The work of one pipeline stage or fan-out worker: turns an input into an output. It runs with the
 * item's context current (its span, and the run's cancellation), and may throw.
 *
 * @param <A> the input type
 * @param <B> the output type; a stage must not return {@code null}
 */
@FunctionalInterface
public interface StageFunction<A, B> {
  /** Processes {@code input}. */
  B apply(A input) throws Exception;
}
