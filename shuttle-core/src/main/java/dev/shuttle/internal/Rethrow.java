package dev.shuttle.internal;

/**
 * Rethrows a task's own failure, the very same instance, to whoever joins it.
 *
 * <p>Go re-panics with the same value on every call ({@code OnceFunc}) and hands a task's error
 * unchanged to its joiner. Wrapping a failure instead (in an {@link
 * java.lang.reflect.UndeclaredThrowableException}, say) would create a new object on every call,
 * break identity checks and {@code catch} clauses on the original type, and hide the original stack
 * trace one level down. So a failure whose type the caller's signature cannot declare (a checked
 * exception thrown sneakily by a Kotlin or Scala lambda, or a raw {@link Throwable} that is neither
 * an {@link Exception} nor an {@link Error}) is thrown as it is, past the compiler's checks: a
 * "sneaky throw". A caller that must see everything catches {@link Throwable}.
 */
public final class Rethrow {
  private Rethrow() {}

  /**
   * Throws {@code failure} itself: an {@link Exception} or {@link Error} as usual, any other {@link
   * Throwable} sneakily (undeclared), never wrapped.
   *
   * @return never; declared so callers can write {@code throw Rethrow.failure(t)}
   * @throws Exception {@code failure}, always
   */
  public static Exception failure(Throwable failure) throws Exception {
    throw unchecked(failure);
  }

  /**
   * Throws {@code failure} itself, whatever its type, from a method that declares no checked
   * exception: for bodies typed as {@link Runnable} or {@link java.util.function.Supplier} that
   * threw a checked exception sneakily.
   *
   * @return never; declared so callers can write {@code throw Rethrow.unchecked(t)}
   */
  public static RuntimeException unchecked(Throwable failure) {
    Rethrow.<RuntimeException>sneakyThrow(failure);
    throw new AssertionError("unreachable: sneakyThrow always throws");
  }

  /**
   * Throws {@code failure}; erasure makes the cast a no-op, so the compiler's checks are skipped.
   */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneakyThrow(Throwable failure) throws T {
    throw (T) failure;
  }
}
