package dev.shuttle.sync;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Functions that run their body exactly once: Go's {@code sync.OnceFunc}, {@code sync.OnceValue}
 * and {@code sync.OnceValues}.
 *
 * <p>The first call runs the body; concurrent callers wait for it; every caller, then and later,
 * gets the same result, or the same exception if the body failed (Go re-panics with the same value
 * on every call). The exception is the body's own instance, never wrapped, whatever its type: a
 * checked exception that a {@code Runnable} or {@code Supplier} body threw sneakily (as Kotlin
 * lambdas can) is rethrown as it is, undeclared. The body runs with the first caller's context
 * current, so a span it opens is a child of the first caller's span. A call to the function from
 * inside its own body throws {@link IllegalStateException} (in Go it deadlocks).
 *
 * {@snippet :
 * Supplier<Tracer> tracer = Once.value(() -> initTracer()); // runs initTracer() once
 * Runnable initMetrics = Once.func(() -> registerMetrics());
 * }
 *
 * <p>Memory consistency effects: the actions of the body happen-before a return (normal or by
 * throwing) from every call of the returned function, the first and those that follow.
 *
 * <p>The returned functions are thread-safe.
 */
public final class Once {
  private Once() {}

  /**
   * Returns a function that runs {@code body} the first time it is called (Go's {@code OnceFunc}).
   *
   * @param body the work to do once
   * @return a function that runs {@code body} on its first call and does nothing on later ones,
   *     except rethrow what {@code body} threw
   */
  public static Runnable func(Runnable body) {
    Objects.requireNonNull(body, "body");
    OnceCell<Boolean> cell =
        new OnceCell<>(
            () -> {
              body.run();
              return Boolean.TRUE;
            });
    return cell::get;
  }

  /**
   * Returns a supplier that computes {@code body} the first time and returns that value ever after
   * (Go's {@code OnceValue}).
   *
   * @param <T> the value's type
   * @param body computes the value, once
   * @return a supplier of the value {@code body} computed, or of the exception it threw
   */
  public static <T> Supplier<T> value(Supplier<T> body) {
    Objects.requireNonNull(body, "body");
    OnceCell<T> cell = new OnceCell<>(body::get);
    return cell::get;
  }

  /**
   * Returns a callable that calls {@code body} the first time and returns its value or throws its
   * exception ever after (Go's {@code OnceValues}, whose second result is the error).
   *
   * @param <T> the value's type
   * @param body computes the value, once; it may throw any exception
   * @return a callable that returns the value {@code body} returned, or throws the exception it
   *     threw
   */
  public static <T> Callable<T> values(Callable<T> body) {
    Objects.requireNonNull(body, "body");
    OnceCell<T> cell = new OnceCell<>(body);
    return cell::get;
  }
}
