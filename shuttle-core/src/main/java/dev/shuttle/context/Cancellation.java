package dev.shuttle.context;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The cancellation state of a context, read-only: Go's {@code ctx.Done()}, {@code ctx.Err()},
 * {@code context.Cause(ctx)} and {@code ctx.Deadline()} in one view.
 *
 * <p>Obtain one with {@link Contexts#cancellation}. A context with no Shuttle state (or one made by
 * {@link Contexts#withoutCancel}) has a cancellation that is never done.
 *
 * <p>Thread-safe: every method may be called from any thread at any time.
 */
public sealed interface Cancellation permits CancelState {

  /** {@return {@code true} once the context is cancelled or its deadline has passed} */
  boolean isDone();

  /** {@return why the context is done, or {@code null} while it is not (Go's {@code ctx.Err()})} */
  @Nullable ContextError err();

  /**
   * {@return the cause given to the first cancel, the cause inherited from a cancelled ancestor, or
   * a {@link ContextDoneException} when no cause was given; {@code null} while not done (Go's
   * {@code context.Cause})}
   */
  @Nullable Throwable cause();

  /** {@return the time at which the context will be cancelled, if it has a deadline} */
  Optional<Instant> deadline();

  /**
   * Blocks until the context is done. If the thread is interrupted when the context is already done
   * (as Shuttle interrupts the threads of cancelled tasks), this returns normally with the
   * interrupt flag set.
   *
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  void await() throws InterruptedException;

  /**
   * Blocks until the context is done or the timeout elapses; an interrupt once the context is done
   * counts as done, as for {@link #await()}.
   *
   * @param timeout the longest time to wait; zero or negative only checks
   * @return {@code true} if the context is done
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  boolean await(Duration timeout) throws InterruptedException;

  /**
   * Throws a {@link ContextDoneException} (with this context's cause) if the context is done; for
   * loops that check for cancellation between steps.
   *
   * @throws ContextDoneException if the context is done
   */
  void throwIfDone();

  /**
   * Low-level hook: runs {@code callback} on the thread that cancels the context, or at once on the
   * calling thread if it is already done. The callback must be short and must not block or throw;
   * it is how Shuttle's own blocking calls wake up on cancellation. Application code should use
   * {@link Contexts#afterFunc} instead, which runs its function on a thread of its own.
   *
   * @param callback what to run once the context is done
   * @return a handle whose {@code stop()} unregisters the callback if it has not run yet
   */
  Stoppable onDone(Runnable callback);
}
