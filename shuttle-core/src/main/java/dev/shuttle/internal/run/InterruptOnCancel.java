package dev.shuttle.internal.run;

import dev.shuttle.context.Cancellation;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import dev.shuttle.context.Stoppable;
import io.opentelemetry.context.Context;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedByInterruptException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Interrupts the thread running a piece of work when the work's context is done: how Shuttle's
 * cancellation reaches {@link Thread#sleep}, JDBC, HTTP clients and {@code BlockingQueue}s, which
 * answer interrupts, not contexts (ADR 5).
 *
 * {@snippet :
 * InterruptOnCancel guard = InterruptOnCancel.arm(context); // on the thread that runs the work
 * Throwable failure = null;
 * try {
 *   work.run();
 * } catch (Throwable t) {
 *   failure = t;
 * }
 * failure = guard.disarm(failure); // after this, no interrupt of ours reaches the thread
 * }
 *
 * <p>Implementation note: {@code state} goes ARMED → INTERRUPTING → INTERRUPTED when the context's
 * done callback wins, or ARMED → DISARMED when the work ends first; each move is one CAS, so
 * exactly one of the two happens (the linearisation point). The callback interrupts the thread
 * between INTERRUPTING and INTERRUPTED; {@link #disarm} waits out that window (a few instructions,
 * as {@code FutureTask} does for {@code cancel(true)}) and then clears the interrupt flag, so an
 * interrupt meant for one piece of work never reaches the next one on a reused thread. The callback
 * is short and never blocks, as {@link Cancellation#onDone} requires.
 */
public final class InterruptOnCancel implements Runnable {
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(InterruptOnCancel.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int ARMED = 0;
  private static final int INTERRUPTING = 1;
  private static final int INTERRUPTED = 2;
  private static final int DISARMED = 3;

  /** The guard for work that nothing will interrupt: its context can never be done, or opts out. */
  private static final InterruptOnCancel NONE = new InterruptOnCancel();

  @SuppressWarnings("FieldMayBeFinal") // written through STATE
  private volatile int state;

  private final Thread thread;
  private final Cancellation cancellation;
  private final Stoppable registration;

  private InterruptOnCancel() {
    this.state = DISARMED;
    this.thread = Thread.currentThread();
    this.cancellation = Contexts.cancellation(Context.root());
    this.registration = () -> false;
  }

  private InterruptOnCancel(Cancellation cancellation) {
    this.state = ARMED;
    this.thread = Thread.currentThread();
    this.cancellation = cancellation;
    this.registration = cancellation.onDone(this); // runs at once if done already
  }

  /**
   * Arms a guard for the calling thread: it is interrupted when {@code context} is done, unless the
   * context can never be done or was made by {@link Contexts#withoutInterrupt}.
   */
  public static InterruptOnCancel arm(Context context) {
    Objects.requireNonNull(context, "context");
    return Contexts.interruptsOnCancel(context)
        ? new InterruptOnCancel(Contexts.cancellation(context))
        : NONE;
  }

  /**
   * The context's done callback: interrupts the thread unless the guard was disarmed first. (The
   * guard is its own callback, so arming allocates no lambda: a million goroutines arm a million.)
   */
  @Override
  public void run() {
    if (STATE.compareAndSet(this, ARMED, INTERRUPTING)) {
      thread.interrupt();
      state = INTERRUPTED;
    }
  }

  /**
   * Disarms the guard; must be called by the thread that armed it, once the work has ended. If the
   * guard interrupted the thread, the interrupt flag is cleared, and a {@code failure} that the
   * interrupt caused is reported as the cancellation it stands for.
   *
   * @param failure how the work failed, or {@code null} if it returned normally
   * @return {@code failure}, or, if it was caused by this guard's interrupt (an {@link
   *     InterruptedException}, {@link InterruptedIOException} or {@link ClosedByInterruptException}
   *     in its cause chain), a {@link ContextDoneException} carrying the context's error and cause,
   *     with {@code failure} attached as suppressed
   */
  public @Nullable Throwable disarm(@Nullable Throwable failure) {
    if (this == NONE) {
      return failure;
    }
    registration.stop();
    if (STATE.compareAndSet(this, ARMED, DISARMED)) {
      return failure;
    }
    while (state == INTERRUPTING) {
      Thread.onSpinWait(); // the callback is between its CAS and its interrupt()
    }
    Thread.interrupted(); // ours: it must not reach whatever this thread runs next
    if (failure == null || !causedByInterrupt(failure)) {
      return failure;
    }
    ContextError err = Objects.requireNonNullElse(cancellation.err(), ContextError.CANCELED);
    ContextDoneException cancelled = new ContextDoneException(err, cancellation.cause());
    cancelled.addSuppressed(failure);
    return cancelled;
  }

  private static boolean causedByInterrupt(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) { // bounded: cycles
      if (t instanceof InterruptedException
          || t instanceof InterruptedIOException
          || t instanceof ClosedByInterruptException) {
        return true;
      }
    }
    return false;
  }
}
