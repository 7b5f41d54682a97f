package dev.shuttle.context;

import com.google.errorprone.annotations.MustBeClosed;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.jspecify.annotations.Nullable;

/**
 * A derived context and its cancel function, as Go's {@code ctx, cancel := context.WithCancel(..)}.
 *
 * <p>Closing it cancels it, so try-with-resources is Go's {@code defer cancel()}: the context's
 * timer and its registration with the parent are released as soon as the block ends.
 *
 * {@snippet :
 * try (CancelableContext child = Contexts.withCancel(Context.current())) {
 *   Go.go(child.context(), () -> poll(child.context()));
 *   awaitSomething();
 * } // cancels the goroutine's context
 * }
 *
 * <p>Thread-safe: {@code cancel} may be called from any thread, any number of times; the first call
 * wins.
 */
public final class CancelableContext implements AutoCloseable {
  private final Context context;
  private final CancelState state;

  CancelableContext(Context context, CancelState state) {
    this.context = context;
    this.state = state;
  }

  /** {@return the derived context} Pass it to tasks or make it current. */
  public Context context() {
    return context;
  }

  /** {@return this context's cancellation state} */
  public Cancellation cancellation() {
    return state;
  }

  /**
   * Cancels the context and its descendants with {@link ContextError#CANCELED}; a no-op if it is
   * already done. The cause becomes a {@link ContextDoneException} whose stack trace is this call.
   */
  public void cancel() {
    state.cancel(ContextError.CANCELED, null);
  }

  /**
   * Cancels the context and its descendants with {@link ContextError#CANCELED} and the given cause
   * (Go's {@code CancelCauseFunc}); a no-op if it is already done.
   *
   * @param cause why; {@code null} behaves as {@link #cancel()}
   * @return {@code true} if this call cancelled the context, {@code false} if it was already done
   */
  public boolean cancel(@Nullable Throwable cause) {
    return state.cancel(ContextError.CANCELED, cause);
  }

  /**
   * Makes the derived context current: {@code context().makeCurrent()}.
   *
   * @return the scope to close when the context should no longer be current
   */
  @MustBeClosed
  public Scope makeCurrent() {
    return context.makeCurrent();
  }

  /** Cancels the context, as {@link #cancel()}. */
  @Override
  public void close() {
    cancel();
  }

  @Override
  public String toString() {
    return "CancelableContext{" + state + "}";
  }
}
