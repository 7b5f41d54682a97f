package dev.shuttle.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;

/**
 * Spans that a caller names and attributes, and that Shuttle completes with its own attributes: a
 * pool job, a pipeline item, a message's consumer span. The caller's attributes win: Shuttle does
 * not add an attribute whose key name the caller already gave, whatever its type (a caller's {@code
 * task.id} may be a string, a bounded pool's is a number).
 *
 * <p>Stateless; thread-safe.
 */
public final class CallerSpans {
  private CallerSpans() {}

  /**
   * Sets {@code key} to {@code value} on {@code span}, unless {@code given} (the caller's
   * attributes) holds a key with the same name. Call it only on a recording span.
   */
  public static <T> void putUnlessGiven(Span span, Attributes given, AttributeKey<T> key, T value) {
    if (given.isEmpty() || !hasName(given, key.getKey())) {
      span.setAttribute(key, value);
    }
  }

  /**
   * Sets {@code key} to {@code value} on the span {@code builder} will start, unless {@code given}
   * (the caller's attributes) holds a key with the same name.
   */
  public static <T> void putUnlessGiven(
      SpanBuilder builder, Attributes given, AttributeKey<T> key, T value) {
    if (given.isEmpty() || !hasName(given, key.getKey())) {
      builder.setAttribute(key, value);
    }
  }

  private static boolean hasName(Attributes attributes, String name) {
    for (AttributeKey<?> key : attributes.asMap().keySet()) {
      if (key.getKey().equals(name)) {
        return true;
      }
    }
    return false;
  }
}
