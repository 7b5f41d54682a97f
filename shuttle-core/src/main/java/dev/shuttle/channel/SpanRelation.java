package dev.shuttle.channel;

/**
 * How a consumer span relates to the span that was current when the message was sent.
 *
 * <p>OpenTelemetry's messaging conventions link by default: the consumer's work is its own trace
 * step, caused by but not part of the producer's operation. Use {@link #PARENT} for in-process
 * pipelines where each message is one unit of work whose spans should form a single tree (as a
 * {@link dev.shuttle.flow.Pipeline}'s do).
 */
public enum SpanRelation {
  /** The consumer span's parent is the receiver's current context; it links to the producer. */
  LINK,
  /**
   * The consumer span's parent is the message's context, which also becomes current while the
   * message is processed (with its cancellation, as Go's {@code msg.Ctx}).
   */
  PARENT
}
