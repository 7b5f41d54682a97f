package dev.shuttle.channel;

/**
 * The outcome of a send that reports a closed channel instead of throwing: {@link SendStatus#SENT},
 * {@link SendStatus#FULL} (only from {@link SendChannel#trySendOrClosed}, when sending would have
 * to wait), or {@link Closed} — the same type a receive returns for a closed channel, so both sides
 * speak of "closed" in one word.
 *
 * {@snippet :
 * switch (results.trySendOrClosed(value)) {
 *   case SendStatus.SENT -> sent++;
 *   case SendStatus.FULL -> dropped++;                  // a slow consumer: drop, as a ticker does
 *   case Closed<?> closed -> stop(closed.error());      // the consumer has gone
 * }
 * }
 */
public sealed interface SendResult permits SendStatus, Closed {
  /** {@return {@code true} if the value was sent} */
  default boolean isSent() {
    return this == SendStatus.SENT;
  }
}
