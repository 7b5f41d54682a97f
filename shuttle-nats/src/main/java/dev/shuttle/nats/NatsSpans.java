package dev.shuttle.nats;

import static dev.shuttle.telemetry.ChannelAttributes.MESSAGING_DESTINATION_NAME;
import static dev.shuttle.telemetry.ChannelAttributes.MESSAGING_MESSAGE_ID;
import static dev.shuttle.telemetry.ChannelAttributes.MESSAGING_OPERATION_NAME;
import static dev.shuttle.telemetry.ChannelAttributes.MESSAGING_OPERATION_TYPE;
import static dev.shuttle.telemetry.ChannelAttributes.MESSAGING_SYSTEM;
import static dev.shuttle.telemetry.ChannelAttributes.MESSAGING_SYSTEM_NATS;

import dev.shuttle.channel.SpanRelation;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;

/**
 * The spans of messages on NATS, per OpenTelemetry's messaging conventions: {@code send <dest>}
 * ({@link SpanKind#PRODUCER}), {@code receive <dest>} ({@link SpanKind#CLIENT}, the pull that
 * delivered a message) and {@code process <dest>} ({@link SpanKind#CONSUMER}), each with {@code
 * messaging.system} = {@code nats}, the destination (the subject), the operation and the message
 * id. A consumer span is a child of the producer's span or linked to it, as {@link SpanRelation}
 * says. Stateless.
 */
final class NatsSpans {
  private NatsSpans() {}

  /** Starts the span of a send from {@code parent}; the caller ends it. */
  static Span startSend(Context parent, String destination, String messageId) {
    return builder("send", destination, messageId, SpanKind.PRODUCER).setParent(parent).startSpan();
  }

  /**
   * Starts a consumer span ({@code receive} or {@code process}) for a message whose sender's
   * context is {@code producer}: with {@link SpanRelation#PARENT} a child of it, with {@link
   * SpanRelation#LINK} a child of {@code current} with a link to the producer's span. The caller
   * ends it.
   */
  static Span startConsumer(
      String operation,
      Context producer,
      Context current,
      SpanRelation relation,
      String destination,
      String messageId) {
    SpanKind kind = operation.equals("receive") ? SpanKind.CLIENT : SpanKind.CONSUMER;
    SpanBuilder builder = builder(operation, destination, messageId, kind);
    if (relation == SpanRelation.PARENT) {
      builder.setParent(producer);
    } else {
      builder.setParent(current);
      SpanContext sender = Span.fromContext(producer).getSpanContext();
      if (sender.isValid()) {
        builder.addLink(sender);
      }
    }
    return builder.startSpan();
  }

  private static SpanBuilder builder(
      String operation, String destination, String messageId, SpanKind kind) {
    return ShuttleTelemetry.tracer()
        .spanBuilder(operation + " " + destination)
        .setSpanKind(kind)
        .setAttribute(MESSAGING_SYSTEM, MESSAGING_SYSTEM_NATS)
        .setAttribute(MESSAGING_DESTINATION_NAME, destination)
        .setAttribute(MESSAGING_OPERATION_NAME, operation)
        .setAttribute(MESSAGING_OPERATION_TYPE, operation)
        .setAttribute(MESSAGING_MESSAGE_ID, messageId);
  }
}
