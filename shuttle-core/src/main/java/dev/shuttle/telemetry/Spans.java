package dev.shuttle.telemetry;

import dev.shuttle.internal.SpanOutcome;
import io.opentelemetry.api.trace.Span;

/**
 * Records failures on your own spans the way Shuttle records them on its own: status ERROR with the
 * message, {@code error.type}, an exception event, and for a cancelled or timed-out context {@code
 * operation.canceled} or {@code timeout.exceeded} with the cause's message as {@code
 * failure.cause}.
 *
 * {@snippet :
 * try {
 *   callBackend();
 * } catch (Exception e) {
 *   Spans.recordFailure(span, e);
 *   throw e;
 * } finally {
 *   span.end();
 * }
 * }
 *
 * <p>Never throws; thread-safe as the span is.
 */
public final class Spans {
  private Spans() {}

  /** Records {@code failure} on {@code span}; see the class description. */
  public static void recordFailure(Span span, Throwable failure) {
    SpanOutcome.recordFailure(span, failure);
  }
}
