package dev.shuttle.context;

/**
 * Why a context is done: Go's {@code context.Canceled} and {@code context.DeadlineExceeded}.
 *
 * <p>{@link Contexts#err} returns one of these once a context is done; {@link Contexts#cause}
 * returns the richer cause.
 */
public enum ContextError {
  /** The context was cancelled by a cancel function (its own or an ancestor's). */
  CANCELED("context canceled"),
  /** The context's deadline passed (its own or an ancestor's). */
  DEADLINE_EXCEEDED("context deadline exceeded");

  private final String message;

  ContextError(String message) {
    this.message = message;
  }

  /**
   * {@return Go's message for this error: {@code "context canceled"} or {@code "context deadline
   * exceeded"}}
   */
  public String message() {
    return message;
  }
}
