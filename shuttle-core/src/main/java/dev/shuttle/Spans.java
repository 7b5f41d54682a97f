package dev.shuttle;

import dev.shuttle.internal.run.SpanOutcome;
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
 * <p>Never throws; thread-safe as the span is. Shuttle's own spans are recorded by this class too,
 * so yours and Shuttle's read the same.
 */
public final class Spans {
  private Spans() {}

  /**
   * Records {@code failure} on {@code span}; see the class description.
   *
   * @param span the span to mark as failed; it is not ended
   * @param failure the exception the operation failed with
   */
  public static void recordFailure(Span span, Throwable failure) {
    SpanOutcome.recordFailure(span, failure);
  }

  /**
   * Returns the {@code error.type} Shuttle records for {@code failure}: its class's canonical name
   * ({@code Outer.Inner}), which is what the OpenTelemetry SDK writes in {@code exception.type}, so
   * that spans, their exception events and metrics agree; the binary name for classes that have no
   * canonical name (local and anonymous classes).
   *
   * @param failure the exception to name
   * @return the class name to record as {@code error.type}
   */
  public static String errorType(Throwable failure) {
    return SpanOutcome.errorType(failure);
  }
}
