package dev.shuttle.context;

import java.io.Serial;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by a blocking Shuttle call whose context is done, and used as the default cause of a
 * context cancelled without one.
 *
 * <p>{@link #err()} says whether the context was cancelled or timed out; {@link #getCause()} is the
 * context's {@linkplain Contexts#cause cause}. When a context is cancelled with no cause, the cause
 * is a {@code ContextDoneException} created where {@code cancel()} was called, so its stack trace
 * shows who cancelled.
 *
 * <p>Instances are immutable once thrown and may be shared between threads.
 */
public final class ContextDoneException extends CancellationException {
  @Serial private static final long serialVersionUID = 1L;

  /** Whether the context was cancelled or its deadline passed. */
  private final ContextError err;

  /**
   * Creates an exception for a context that is done with {@code err}, caused by {@code cause}.
   *
   * @param err why the context is done
   * @param cause the context's cause, or {@code null} if this exception is itself the cause
   */
  public ContextDoneException(ContextError err, @Nullable Throwable cause) {
    super(message(Objects.requireNonNull(err, "err"), cause));
    this.err = err;
    if (cause != null) {
      initCause(cause);
    }
  }

  private static String message(ContextError err, @Nullable Throwable cause) {
    if (cause == null || cause instanceof ContextDoneException) {
      return err.message();
    }
    return err.message() + ": " + cause;
  }

  /** {@return whether the context was cancelled or its deadline passed} */
  public ContextError err() {
    return err;
  }

  /** {@return {@code true} when the context's deadline passed, as Go's {@code os.IsTimeout}} */
  public boolean isTimeout() {
    return err == ContextError.DEADLINE_EXCEEDED;
  }

  /**
   * {@return the first {@code ContextDoneException} in {@code failure}'s cause chain ({@code
   * failure} itself included), or {@code null} if there is none} Looks at most 16 causes deep, so a
   * cause chain with a loop ends.
   *
   * @param failure the exception to search, for example one a task failed with
   */
  public static @Nullable ContextDoneException findIn(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) { // bounded: cycles
      if (t instanceof ContextDoneException done) {
        return done;
      }
    }
    return null;
  }
}
