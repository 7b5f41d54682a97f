package dev.shuttle.context;

import dev.shuttle.internal.GoroutineRegistry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * Go's {@code context} package for OpenTelemetry contexts: derive cancellable contexts, read their
 * state, run a function after cancellation.
 *
 * <p>Go's rules hold exactly: the first cancel wins; {@code cancel(null)} makes the cause a {@link
 * ContextDoneException}; children inherit the parent's error and cause; a deadline's custom cause
 * is recorded only when the timer fires; a parent's earlier deadline wins; cancelling a parent
 * cancels every descendant before {@code cancel} returns.
 *
 * {@snippet :
 * try (CancelableContext sla =
 *     Contexts.withTimeoutCause(Context.current(), Duration.ofSeconds(2),
 *         new TimeoutException("SLA: must answer within 2 s"))) {
 *   Go.go(sla.context(), work);
 *   if (sla.cancellation().await(Duration.ofSeconds(3))) {
 *     span.recordException(Contexts.cause(sla.context()));
 *   }
 * }
 * }
 *
 * <p>All methods are thread-safe.
 */
public final class Contexts {
  private static final ThreadFactory AFTER_FUNC_THREADS =
      Thread.ofVirtual().name("shuttle-after-func-", 1).factory();

  /** Present (always {@code TRUE}) in a context made by {@link #withoutInterrupt}. */
  private static final ContextKey<Boolean> NO_INTERRUPT =
      ContextKey.named("dev.shuttle.no-interrupt");

  private Contexts() {}

  /**
   * {@return a context that is cancelled when the returned handle is cancelled or when {@code
   * parent} is done (Go's {@code WithCancel})}
   *
   * @param parent the context to derive from; the child has its values and inherits its
   *     cancellation and deadline
   */
  public static CancelableContext withCancel(Context parent) {
    return derive(parent, null);
  }

  /**
   * {@return a context whose cancel function takes a cause (Go's {@code WithCancelCause})} Use
   * {@link CancelableContext#cancel(Throwable)}. The same as {@link #withCancel}, which also
   * accepts a cause: the name is kept for readers who come from Go.
   *
   * @param parent the context to derive from; the child has its values and inherits its
   *     cancellation and deadline
   */
  public static CancelableContext withCancelCause(Context parent) {
    return withCancel(parent);
  }

  /**
   * {@return a context cancelled with {@link ContextError#DEADLINE_EXCEEDED} after {@code timeout}}
   * If the parent's deadline is earlier, the parent's wins.
   *
   * @param parent the context to derive from; the child has its values and inherits its
   *     cancellation and deadline
   * @param timeout how long from now until the context is cancelled; zero or negative makes it done
   *     at once
   */
  public static CancelableContext withTimeout(Context parent, Duration timeout) {
    return withTimeoutCause(parent, timeout, null);
  }

  /**
   * {@return a context cancelled after {@code timeout} with {@link ContextError#DEADLINE_EXCEEDED}
   * and {@code cause} (Go's {@code WithTimeoutCause})} The cause is recorded only if the timer
   * fires; the handle's own {@code cancel()} does not use it.
   *
   * @param parent the context to derive from; the child has its values and inherits its
   *     cancellation and deadline
   * @param timeout how long from now until the context is cancelled; zero or negative makes it done
   *     at once
   * @param cause the cause recorded when the timeout passes, or {@code null} for a {@link
   *     ContextDoneException}
   */
  public static CancelableContext withTimeoutCause(
      Context parent, Duration timeout, @Nullable Throwable cause) {
    Objects.requireNonNull(timeout, "timeout");
    return withDeadlineCause(parent, Instant.now().plus(timeout), cause);
  }

  /**
   * {@return a context cancelled with {@link ContextError#DEADLINE_EXCEEDED} at {@code deadline}}
   * If the parent's deadline is earlier, the parent's wins.
   *
   * @param parent the context to derive from; the child has its values and inherits its
   *     cancellation and deadline
   * @param deadline when the context is cancelled; a time that has passed makes it done at once
   */
  public static CancelableContext withDeadline(Context parent, Instant deadline) {
    return withDeadlineCause(parent, deadline, null);
  }

  /**
   * {@return a context cancelled at {@code deadline} with {@link ContextError#DEADLINE_EXCEEDED}
   * and {@code cause} (Go's {@code WithDeadlineCause})} If the parent's deadline is earlier, the
   * parent's wins and this returns a plain {@link #withCancel} child; if {@code deadline} has
   * passed, the context is done already.
   *
   * @param parent the context to derive from; the child has its values and inherits its
   *     cancellation and deadline
   * @param deadline when the context is cancelled
   * @param cause the cause recorded when the deadline passes, or {@code null} for a {@link
   *     ContextDoneException}
   */
  public static CancelableContext withDeadlineCause(
      Context parent, Instant deadline, @Nullable Throwable cause) {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(deadline, "deadline");
    Optional<Instant> current = CancelState.of(parent).deadline();
    if (current.isPresent() && current.get().isBefore(deadline)) {
      return withCancel(parent);
    }
    CancelableContext child = derive(parent, deadline);
    ((CancelState) child.cancellation())
        .startTimer(Duration.between(Instant.now(), deadline), cause);
    return child;
  }

  private static CancelableContext derive(Context parent, @Nullable Instant ownDeadline) {
    Objects.requireNonNull(parent, "parent");
    CancelState parentState = CancelState.of(parent);
    Instant deadline = ownDeadline != null ? ownDeadline : parentState.deadline().orElse(null);
    CancelState state = new CancelState(deadline);
    state.attachTo(parentState);
    return new CancelableContext(parent.with(CancelState.KEY, state), state);
  }

  /**
   * {@return a context with all of {@code parent}'s values, the current span included, but none of
   * its cancellation or deadline (Go's {@code WithoutCancel})} For work that must outlive the
   * request that started it.
   *
   * @param parent the context whose values to keep
   */
  public static Context withoutCancel(Context parent) {
    Objects.requireNonNull(parent, "parent");
    return parent.with(CancelState.KEY, CancelState.BACKGROUND);
  }

  /**
   * {@return a context with all of {@code parent}'s values and its cancellation, in which
   * cancellation is cooperative only} Tasks that Shuttle runs under it, or under any context
   * derived from it, are not interrupted when it is done (ADR 5). Such a task sees cancellation
   * only through Shuttle's blocking calls (which always honour it), {@link #sleep}, or by checking
   * {@link #isDone}. Use it for work that must not be interrupted half-way, such as a thread doing
   * {@code FileChannel} I/O, which an interrupt closes.
   *
   * {@snippet :
   * ErrGroup group = ErrGroup.withContext(Contexts.withoutInterrupt(request.context()));
   * group.go(() -> {
   *   while (!Contexts.isDone(Context.current())) writeNextBlock(file); // never interrupted
   * });
   * }
   *
   * @param parent the context whose values and cancellation to keep
   */
  public static Context withoutInterrupt(Context parent) {
    Objects.requireNonNull(parent, "parent");
    return parent.with(NO_INTERRUPT, Boolean.TRUE);
  }

  /**
   * {@return {@code true} if Shuttle interrupts the tasks it runs under {@code context} when the
   * context is done} That is, the context can be cancelled (it is not Go's {@code Background} nor
   * made by {@link #withoutCancel}) and neither it nor an ancestor was made by {@link
   * #withoutInterrupt}.
   *
   * @param context the context to ask about
   */
  public static boolean interruptsOnCancel(Context context) {
    Objects.requireNonNull(context, "context");
    return CancelState.of(context) != CancelState.BACKGROUND && context.get(NO_INTERRUPT) == null;
  }

  /**
   * Sleeps for {@code duration} or until the current context is done, whichever comes first: {@link
   * Thread#sleep} that also honours cancellation.
   *
   * @param duration how long to sleep; zero or negative does not wait
   * @throws ContextDoneException if the current context is done before {@code duration} has passed
   * @throws InterruptedException if the thread is interrupted while sleeping
   */
  public static void sleep(Duration duration) throws InterruptedException {
    sleep(Context.current(), duration);
  }

  /**
   * Sleeps for {@code duration} or until {@code context} is done, whichever comes first. A zero or
   * negative duration returns at once, as Go's {@code time.Sleep} does, unless the context is done.
   *
   * {@snippet :
   * for (int attempt = 1; ; attempt++) {
   *   try {
   *     return callBackend();
   *   } catch (IOException e) {
   *     Contexts.sleep(ctx, backoff(attempt)); // ends early, with the cause, if ctx is cancelled
   *   }
   * }
   * }
   *
   * @param context the context whose cancellation ends the sleep
   * @param duration how long to sleep; zero or negative does not wait
   * @throws ContextDoneException if {@code context} is done before {@code duration} has passed
   * @throws InterruptedException if the thread is interrupted while sleeping
   */
  public static void sleep(Context context, Duration duration) throws InterruptedException {
    Objects.requireNonNull(duration, "duration");
    Cancellation cancellation = cancellation(context);
    cancellation.throwIfDone();
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (duration.isNegative() || duration.isZero()) {
      return;
    }
    if (cancellation.await(duration)) {
      cancellation.throwIfDone();
    }
  }

  /**
   * Runs {@code function} once on a virtual thread of its own after {@code context} is done (Go's
   * {@code context.AfterFunc}); at once if it is done already. The function runs with {@code
   * context} current.
   *
   * @param context the context whose end starts the function
   * @param function what to run
   * @return a handle whose {@code stop()} returns {@code true} only if it prevented the run
   */
  public static Stoppable afterFunc(Context context, Runnable function) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(function, "function");
    return cancellation(context)
        .onDone(
            () ->
                AFTER_FUNC_THREADS
                    .newThread(
                        context.wrap(GoroutineRegistry.registered("after-func", context, function)))
                    .start());
  }

  /**
   * {@return the cancellation state of {@code context}; never done if it has none}
   *
   * @param context the context to ask about
   */
  public static Cancellation cancellation(Context context) {
    return CancelState.of(Objects.requireNonNull(context, "context"));
  }

  /**
   * {@return why {@code context} is done, or {@code null} while it is not (Go's {@code ctx.Err()})}
   *
   * @param context the context to ask about
   */
  public static @Nullable ContextError err(Context context) {
    return cancellation(context).err();
  }

  /**
   * {@return the cause of {@code context} being done, or {@code null} while it is not (Go's {@code
   * context.Cause})} See {@link Cancellation#cause()}.
   *
   * @param context the context to ask about
   */
  public static @Nullable Throwable cause(Context context) {
    return cancellation(context).cause();
  }

  /**
   * {@return the deadline of {@code context}, if it or an ancestor has one}
   *
   * @param context the context to ask about
   */
  public static Optional<Instant> deadline(Context context) {
    return cancellation(context).deadline();
  }

  /**
   * {@return {@code true} once {@code context} is cancelled or past its deadline}
   *
   * @param context the context to ask about
   */
  public static boolean isDone(Context context) {
    return cancellation(context).isDone();
  }
}
