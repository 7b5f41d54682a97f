package dev.shuttle.internal;

import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import dev.shuttle.telemetry.ShuttleAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import org.jspecify.annotations.Nullable;

/**
 * Records how a unit of work ended on its span, the same way everywhere in Shuttle: status Unset on
 * success; on failure status ERROR with the message, {@code error.type} and an exception event; on
 * cancellation or timeout also {@code operation.canceled} or {@code timeout.exceeded} and the
 * cause's message. Never throws: telemetry must not break user code.
 */
public final class SpanOutcome {
  private SpanOutcome() {}

  /** Records {@code failure} on {@code span}. */
  public static void recordFailure(Span span, Throwable failure) {
    try {
      if (!span.isRecording()) {
        return;
      }
      ContextDoneException done = findContextDone(failure);
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
   * Returns the {@code error.type} of {@code failure}: its class's canonical name ({@code
   * Outer.Inner}), which is what the OpenTelemetry SDK writes in {@code exception.type}, so that
   * spans, their exception events and metrics agree; the binary name for classes that have no
   * canonical name (local and anonymous classes).
   */
  public static String errorType(Throwable failure) {
    Class<?> type = failure.getClass();
    String canonical = type.getCanonicalName();
    return canonical != null ? canonical : type.getName();
  }

  /** Returns the {@link ContextDoneException} in {@code failure}'s cause chain, if any. */
  public static @Nullable ContextDoneException findContextDone(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) { // bounded: cycles
      if (t instanceof ContextDoneException done) {
        return done;
      }
    }
    return null;
  }

  /** Records an event on {@code span}, swallowing any telemetry failure. */
  public static void addEvent(Span span, String name, Attributes attributes) {
    try {
      span.addEvent(name, attributes);
    } catch (RuntimeException telemetryFailure) {
      // see recordFailure
    }
  }
}
