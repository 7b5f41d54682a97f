package dev.shuttle.channel;

/** The two {@link SendResult}s of a send on an open channel. */
public enum SendStatus implements SendResult {
  /** The value was handed to a receiver or buffered. */
  SENT,
  /** The value was not sent: the channel is open, but sending would have to wait. */
  FULL
}
