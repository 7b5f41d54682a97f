package dev.shuttle.sync;

import dev.shuttle.internal.run.SpanOutcome;
import dev.shuttle.telemetry.ShuttleAttributes;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import org.jspecify.annotations.Nullable;

/**
 * The span of a whole {@link ErrGroup} ({@link ErrGroupBuilder#span}): started with the group,
 * parent of its traced tasks, ended by {@link ErrGroup#await()} with the task and failure counts
 * and, if the group failed, status ERROR.
 *
 * <p>Not thread-safe: started by the builder's thread and ended once, under the group's finish
 * lock.
 */
final class GroupSpan {
  private final Span span;

  private GroupSpan(Span span) {
    this.span = span;
  }

  /** Starts the span configured on {@code builder} under its parent context. */
  static GroupSpan start(ErrGroupBuilder builder, String spanName) {
    Span span =
        ShuttleTelemetry.tracer()
            .spanBuilder(spanName)
            .setParent(builder.parent)
            .setAllAttributes(builder.spanAttributes)
            .startSpan();
    if (builder.limit > 0) {
      span.setAttribute(ShuttleAttributes.ERRGROUP_LIMIT, builder.limit);
    }
    return new GroupSpan(span);
  }

  /** Returns {@code parent} with this span current. */
  Context under(Context parent) {
    return parent.with(span);
  }

  /**
   * Ends the span with the group's counts and {@code failure}, if any. A broken span implementation
   * cannot replace the group's outcome: its exceptions are dropped, and the span is ended
   * regardless.
   */
  void end(long tasks, long failures, @Nullable Throwable failure) {
    try {
      span.setAttribute(ShuttleAttributes.ERRGROUP_TASKS, tasks);
      span.setAttribute(ShuttleAttributes.ERRGROUP_FAILURES, failures);
      if (failure != null) {
        SpanOutcome.recordFailure(span, failure);
      }
    } catch (RuntimeException telemetryFailure) {
      // a broken span implementation must not replace the group's outcome
    } finally {
      span.end();
    }
  }
}
