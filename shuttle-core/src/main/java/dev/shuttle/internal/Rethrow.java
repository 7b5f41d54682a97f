package dev.shuttle.internal;

import java.lang.reflect.UndeclaredThrowableException;

/** Rethrows a task's own failure unchanged to whoever joins it. */
public final class Rethrow {
  private Rethrow() {}

  /**
   * Throws {@code failure} as it is when it is an {@link Exception} or an {@link Error}; any other
   * {@link Throwable} (which Java code rarely makes) wrapped in an {@link
   * UndeclaredThrowableException}.
   *
   * @return never; declared so callers can write {@code throw Rethrow.failure(t)}
   */
  public static Exception failure(Throwable failure) throws Exception {
    if (failure instanceof Exception e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    throw new UndeclaredThrowableException(failure);
  }
}
