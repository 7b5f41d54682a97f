package dev.shuttle.channel;

import dev.shuttle.internal.CallerSpans;
import dev.shuttle.internal.Checks;
import dev.shuttle.internal.run.SpanOutcome;
import dev.shuttle.telemetry.ChannelAttributes;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Objects;

/**
 * A received value and the context that was current when it was sent: the sender's span, baggage
 * and cancellation, with no context field in the user's type.
 *
 * {@snippet :
 * Message<Order> m = orders.receiveMessage();
 * m.process("process-order", order -> ship(order)); // CONSUMER span, linked to the sender's span
 * }
 *
 * @param value the value, never {@code null}
 * @param context the sender's context; {@link Context#root()} when the channel does not carry
 *     contexts or the value came from a timer
 * @param <T> the value's type
 */
public record Message<T>(T value, Context context) implements Received<T> {
  /** Creates a message; both components are required. */
  public Message {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(context, "context");
  }

  /**
   * {@return a message with the same context and another value, for forwarding a result}
   *
   * @param newValue the value of the new message
   * @param <R> the new value's type
   */
  public <R> Message<R> withValue(R newValue) {
    return new Message<>(newValue, context);
  }

  /**
   * Starts a {@link SpanKind#CONSUMER} span for processing this message, linked to the sender's
   * span (OpenTelemetry's messaging conventions); the caller must end it.
   *
   * @param spanName the span's name, not blank
   * @return the started span, not yet current
   * @throws IllegalArgumentException if {@code spanName} is blank
   */
  public Span startSpan(String spanName) {
    return startSpan(spanName, SpanRelation.LINK);
  }

  /**
   * Starts a {@link SpanKind#CONSUMER} span for processing this message, related to the sender's
   * span as {@code relation} says; the caller must end it.
   *
   * @param spanName the span's name, not blank
   * @param relation whether the span links to the sender's span or is its child
   * @return the started span, not yet current
   * @throws IllegalArgumentException if {@code spanName} is blank
   */
  public Span startSpan(String spanName, SpanRelation relation) {
    return startSpan(spanName, Attributes.empty(), relation);
  }

  /**
   * Starts a {@link SpanKind#CONSUMER} span named {@code spanName} with the caller's {@code
   * attributes} for processing this message, related to the sender's span as {@code relation} says;
   * Shuttle adds the {@code messaging.*} attributes, except those whose names {@code attributes}
   * already has. The caller must end it.
   *
   * @param spanName the span's name, not blank
   * @param attributes the span's attributes; they take precedence over Shuttle's
   * @param relation whether the span links to the sender's span or is its child
   * @return the started span, not yet current
   * @throws IllegalArgumentException if {@code spanName} is blank
   */
  public Span startSpan(String spanName, Attributes attributes, SpanRelation relation) {
    Checks.spanName(spanName);
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(relation, "relation");
    SpanBuilder builder =
        ShuttleTelemetry.tracer()
            .spanBuilder(spanName)
            .setSpanKind(SpanKind.CONSUMER)
            .setAllAttributes(attributes);
    CallerSpans.putUnlessGiven(
        builder,
        attributes,
        ChannelAttributes.MESSAGING_SYSTEM,
        ChannelAttributes.MESSAGING_SYSTEM_SHUTTLE);
    CallerSpans.putUnlessGiven(
        builder,
        attributes,
        ChannelAttributes.MESSAGING_OPERATION_NAME,
        ChannelAttributes.MESSAGING_OPERATION_PROCESS);
    CallerSpans.putUnlessGiven(
        builder,
        attributes,
        ChannelAttributes.MESSAGING_OPERATION_TYPE,
        ChannelAttributes.MESSAGING_OPERATION_PROCESS);
    return relate(builder, relation).startSpan();
  }

  private SpanBuilder relate(SpanBuilder builder, SpanRelation relation) {
    if (relation == SpanRelation.PARENT) {
      builder.setParent(context);
    } else {
      SpanContext producer = Span.fromContext(context).getSpanContext();
      if (producer.isValid()) {
        builder.addLink(producer);
      }
    }
    return builder;
  }

  /**
   * Runs {@code handler} on the value inside a consumer span linked to the sender's span; records a
   * failure on the span and rethrows it.
   *
   * @param spanName the span's name, not blank
   * @param handler what to do with the value
   * @param <E> the checked exception the handler may throw
   * @throws IllegalArgumentException if {@code spanName} is blank
   * @throws E what the handler throws, unchanged
   */
  public <E extends Exception> void process(String spanName, ValueHandler<? super T, E> handler)
      throws E {
    process(spanName, SpanRelation.LINK, handler);
  }

  /**
   * Runs {@code handler} on the value inside a consumer span related to the sender's span as {@code
   * relation} says; records a failure on the span and rethrows it. The span is current while the
   * handler runs (and, with {@link SpanRelation#PARENT}, so is the message's context).
   *
   * @param spanName the span's name, not blank
   * @param relation whether the span links to the sender's span or is its child
   * @param handler what to do with the value
   * @param <E> the checked exception the handler may throw
   * @throws IllegalArgumentException if {@code spanName} is blank
   * @throws E what the handler throws, unchanged
   */
  public <E extends Exception> void process(
      String spanName, SpanRelation relation, ValueHandler<? super T, E> handler) throws E {
    process(spanName, Attributes.empty(), relation, handler);
  }

  /**
   * Runs {@code handler} on the value inside a consumer span named {@code spanName} with the
   * caller's {@code attributes} (see {@link #startSpan(String, Attributes, SpanRelation)}), related
   * to the sender's span as {@code relation} says: the one span of this message's processing.
   * Records a failure on the span and rethrows it.
   *
   * {@snippet :
   * for (Message<Item> item : input.messages()) {
   *   item.process("worker-process", Attributes.of(WORKER_ID, id), SpanRelation.PARENT,
   *       value -> output.send(item.context(), transform(value)));
   * }
   * }
   *
   * @param spanName the span's name, not blank
   * @param attributes the span's attributes; they take precedence over Shuttle's
   * @param relation whether the span links to the sender's span or is its child
   * @param handler what to do with the value
   * @param <E> the checked exception the handler may throw
   * @throws IllegalArgumentException if {@code spanName} is blank
   * @throws E what the handler throws, unchanged
   */
  @SuppressWarnings("try") // the scope is only closed
  public <E extends Exception> void process(
      String spanName,
      Attributes attributes,
      SpanRelation relation,
      ValueHandler<? super T, E> handler)
      throws E {
    Objects.requireNonNull(handler, "handler");
    Span span = startSpan(spanName, attributes, relation);
    Context base = relation == SpanRelation.PARENT ? context : Context.current();
    try (Scope ignored = base.with(span).makeCurrent()) {
      handler.handle(value);
    } catch (Throwable failure) { // precise rethrow: only E, unchecked exceptions and errors
      SpanOutcome.recordFailure(span, failure);
      throw failure;
    } finally {
      span.end();
    }
  }
}
