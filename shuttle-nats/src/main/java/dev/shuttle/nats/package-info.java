/**
 * Shuttle across processes on NATS: what a Shuttle context carries (the trace, the baggage, the
 * deadline and a cancellation) written into and read back from NATS message headers, so that a
 * consumer in another process works in the producer's trace and under the producer's deadline.
 *
 * <p>Start with {@link dev.shuttle.nats.NatsHeaders}. Header names and formats are in {@code
 * docs/nats.md}.
 */
@NullMarked
package dev.shuttle.nats;

import org.jspecify.annotations.NullMarked;
