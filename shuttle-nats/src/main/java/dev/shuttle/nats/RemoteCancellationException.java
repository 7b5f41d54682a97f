package dev.shuttle.nats;

import java.io.Serial;

/**
 * The cause of a Shuttle context cancelled because its sender, in another process, was cancelled:
 * its message is the text the sender wrote in {@value NatsHeaders#CANCELLED} (the sender's cause's
 * class name and message). Thrown by nothing; it is the {@link dev.shuttle.context.Contexts#cause}
 * of a context made by {@link CarriedContext#cancelableContext()}.
 */
public final class RemoteCancellationException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  RemoteCancellationException(String senderCause) {
    super(senderCause, null, false, false);
  }
}
