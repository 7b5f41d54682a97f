package dev.shuttle.internal.run;

import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import dev.shuttle.telemetry.ShuttleAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

/**
 * Records how a unit of work ended on its span, the same way everywhere in Shuttle: status Unset on
 * success; on failure status ERROR with the message, {@code error.type}, an exception event, and
 * for a cancelled or timed-out context {@code operation.canceled} or {@code timeout.exceeded} with
 * the cause's message as {@code failure.cause}. Never throws: telemetry must not break user code.
 * The public {@code dev.shuttle.Spans} offers the same to users' own spans.
 *
 * <p>Stateless; thread-safe as the span is.
 */
public final class SpanOutcome {
  private SpanOutcome() {}

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
   * Returns the {@code error.type} Shuttle records for {@code failure}: its class's canonical name,
   * else its binary name.
   */
  public static String errorType(Throwable failure) {
    Class<?> type = failure.getClass();
    String canonical = type.getCanonicalName();
    return canonical != null ? canonical : type.getName();
  }

  /** Records an event on {@code span}, swallowing any telemetry failure. */
  public static void addEvent(Span span, String name, Attributes attributes) {
    try {
      span.addEvent(name, attributes);
    } catch (RuntimeException telemetryFailure) {
      // A broken exporter or span implementation must not replace the user's failure.
    }
  }
}
