package dev.shuttle.flow;

import dev.shuttle.internal.run.SpanOutcome;
import dev.shuttle.telemetry.ChannelAttributes;
import io.opentelemetry.api.trace.Span;
import org.jspecify.annotations.Nullable;

/**
 * An item on its way through a pipeline run: its position at the source and its current value, or a
 * {@linkplain #TOMBSTONE tombstone} for an item dropped on the way to an ordered sink. Also ends
 * item spans with their outcome, so every place that finishes an item words it the same way.
 *
 * @param seq the item's index at the source, from 0
 * @param value the stage's latest result for the item, or {@link #TOMBSTONE}
 */
record PipelineItem(long seq, Object value) {
  /** The value of an item that was dropped: it only lets the ordered sink move past its place. */
  static final Object TOMBSTONE = new Object();

  /** The item left the pipeline at the sink. */
  static final String COMPLETED = "completed";

  /** A stage failed on the item and the failure policy dropped it. */
  static final String DROPPED = "dropped";

  /** A stage failed on the item and the failure cancelled the run. */
  static final String FAILED = "failed";

  /** The run was cancelled while the item was in it. */
  static final String CANCELED = "canceled";

  /** Returns {@code true} for the tombstone of a dropped item. */
  @SuppressWarnings("ReferenceEquality") // TOMBSTONE is a sentinel, compared by identity
  boolean isTombstone() {
    return value == TOMBSTONE;
  }

  /** Ends an item span with its outcome and, if there is one, the error that ended it. */
  static void end(Span span, String outcome, @Nullable Throwable error) {
    span.setAttribute(ChannelAttributes.PIPELINE_ITEM_OUTCOME, outcome);
    if (error != null) {
      SpanOutcome.recordFailure(span, error);
    }
    span.end();
  }
}
