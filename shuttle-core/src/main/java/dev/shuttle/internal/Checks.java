package dev.shuttle.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Shuttle's argument checks, in one place so that every public entry point words a mistake the same
 * way: the message names the argument, what is allowed, and the value that was given.
 *
 * <p>Stateless; thread-safe.
 */
public final class Checks {
  private Checks() {}

  public static int positive(int value, String what) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + " must be at least 1, but was " + value);
    }
    return value;
  }

  public static int nonNegative(int value, String what) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must not be negative, but was " + value);
    }
    return value;
  }

  /** Returns {@code capacity}, a channel's buffer size: 0 (rendezvous) or more. */
  public static int capacity(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException(
          "capacity must be 0 (rendezvous) or positive, but was " + capacity);
    }
    return capacity;
  }

  public static Duration nonNegative(Duration value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative, but was " + value);
    }
    return value;
  }

  public static Duration positive(Duration value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, but was " + value);
    }
    return value;
  }

  /** Returns {@code value}, a name that must be neither {@code null} nor blank. */
  public static String notBlank(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return value;
  }

  /** Returns {@code value} if it can name a pool, channel or other Shuttle object. */
  public static String name(String value) {
    return notBlank(value, "name");
  }

  /** Returns {@code spanName} if it can name a span. */
  public static String spanName(String spanName) {
    return notBlank(spanName, "spanName");
  }

  public static void notSet(boolean set, String what, Object current) {
    if (set) {
      throw new IllegalStateException(what + " was already set to " + current);
    }
  }
}
