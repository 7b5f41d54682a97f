package dev.shuttle.nats;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Contexts;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a sender's Shuttle context carried in NATS headers, as {@link NatsHeaders#read} found it:
 * the extracted OpenTelemetry context, and the deadline and cancellation when present and valid.
 * Immutable.
 */
public final class CarriedContext {
  private final Context context;
  private final @Nullable Instant deadline;
  private final @Nullable String cancellation;

  CarriedContext(Context context, @Nullable Instant deadline, @Nullable String cancellation) {
    this.context = context;
    this.deadline = deadline;
    this.cancellation = cancellation;
  }

  /**
   * Returns the parent given to {@link NatsHeaders#read} with what the propagator extracted (the
   * sender's span as the remote parent, its baggage). It carries no Shuttle cancellation of its
   * own: use {@link #cancelableContext()} for that.
   *
   * @return the parent with the sender's span and baggage
   */
  public Context context() {
    return context;
  }

  /**
   * Returns the sender's deadline, if the {@value NatsHeaders#DEADLINE} header held a valid one.
   *
   * @return the deadline, or empty if the sender had none or the header was not valid
   */
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  /**
   * Returns the text of the sender's cancellation (its cause's class name and message), if the
   * sender's context was done when it wrote the headers and the {@value NatsHeaders#CANCELLED}
   * header is valid.
   *
   * @return the cancellation's text, or empty if the sender was not cancelled
   */
  public Optional<String> cancellation() {
    return Optional.ofNullable(cancellation);
  }

  /**
   * Returns a new Shuttle context derived from {@link #context()} that holds the sender's deadline
   * ({@link Contexts#withDeadline}; done at once if it has passed) and, if the sender was
   * cancelled, is cancelled at once with a {@link RemoteCancellationException} as its cause. Each
   * call derives a new one; whoever calls this must cancel or close what it returns, as with any
   * {@link CancelableContext}.
   *
   * @return a new context carrying the sender's deadline and cancellation
   */
  public CancelableContext cancelableContext() {
    CancelableContext derived =
        deadline != null ? Contexts.withDeadline(context, deadline) : Contexts.withCancel(context);
    if (cancellation != null) {
      derived.cancel(new RemoteCancellationException(cancellation));
    }
    return derived;
  }

  /** Returns a short description for logs: the deadline and the cancellation, if any. */
  @Override
  public String toString() {
    return "CarriedContext[deadline=" + deadline + ", cancellation=" + cancellation + "]";
  }
}
