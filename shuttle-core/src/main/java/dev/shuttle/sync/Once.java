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
   */
  public static <T> Supplier<T> value(Supplier<T> body) {
    Objects.requireNonNull(body, "body");
    OnceCell<T> cell = new OnceCell<>(body::get);
    return cell::get;
  }

  /**
   * Returns a callable that calls {@code body} the first time and returns its value or throws its
   * exception ever after (Go's {@code OnceValues}, whose second result is the error).
   */
  public static <T> Callable<T> values(Callable<T> body) {
    Objects.requireNonNull(body, "body");
    OnceCell<T> cell = new OnceCell<>(body);
    return cell::get;
  }
}
