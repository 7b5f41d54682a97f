package dev.shuttle.internal;

import dev.shuttle.context.ContextDoneException;
import dev.shuttle.telemetry.Spans;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import org.jspecify.annotations.Nullable;

/**
 * Records how a unit of work ended on its span, the same way everywhere in Shuttle: status Unset on
 * success; on failure what {@link Spans#recordFailure} records. Never throws: telemetry must not
 * break user code.
 *
 * <p>The failure-recording logic lives in the public {@link Spans}, so that {@code
 * dev.shuttle.telemetry} does not depend on this package (no package cycle); this class is the
 * internal entry point the rest of Shuttle calls.
 */
public final class SpanOutcome {
  private SpanOutcome() {}

  /** Records {@code failure} on {@code span}; see {@link Spans#recordFailure}. */
  public static void recordFailure(Span span, Throwable failure) {
    Spans.recordFailure(span, failure);
  }

  /** Returns the {@code error.type} of {@code failure}; see {@link Spans#errorType}. */
  public static String errorType(Throwable failure) {
    return Spans.errorType(failure);
  }

  /** Returns the {@link ContextDoneException} in {@code failure}'s cause chain, if any. */
  public static @Nullable ContextDoneException findContextDone(Throwable failure) {
    return ContextDoneException.findIn(failure);
  }

  /** Records an event on {@code span}, swallowing any telemetry failure. */
  public static void addEvent(Span span, String name, Attributes attributes) {
    try {
      span.addEvent(name, attributes);
    } catch (RuntimeException telemetryFailure) {
      // see Spans.recordFailure
    }
  }
}
