package dev.shuttle.telemetry;

import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

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

  /** Records {@code failure} on {@code span}; see the class description. */
  public static void recordFailure(Span span, Throwable failure) {
    try {
      if (!span.isRecording()) {
        return;
      }
      ContextDoneException done = ContextDoneException.findIn(failure);
      span.setAttribute(ShuttleAttributes.ERROR_TYPE, errorType(failure));
      span.recordException(failure);
      if (done == null) {
        span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        return;
      }
      Throwable cause = done.getCause() != null ? done.getCause() : done;
      String causeMessage = String.valueOf(cause.getMessage());
      span.setAttribute(
          done.err() == ContextError.DEADLINE_EXCEEDED
              ? ShuttleAttributes.TIMEOUT_EXCEEDED
              : ShuttleAttributes.OPERATION_CANCELED,
          true);
      span.setAttribute(ShuttleAttributes.FAILURE_CAUSE, causeMessage);
      span.setStatus(StatusCode.ERROR, causeMessage);
    } catch (RuntimeException telemetryFailure) {
      // A broken exporter or span implementation must not replace the user's failure.
    }
  }

  /**
   * Returns the {@code error.type} Shuttle records for {@code failure}: its class's canonical name
   * ({@code Outer.Inner}), which is what the OpenTelemetry SDK writes in {@code exception.type}, so
   * that spans, their exception events and metrics agree; the binary name for classes that have no
   * canonical name (local and anonymous classes).
   */
  public static String errorType(Throwable failure) {
    Class<?> type = failure.getClass();
    String canonical = type.getCanonicalName();
    return canonical != null ? canonical : type.getName();
  }
}
