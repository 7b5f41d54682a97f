package dev.shuttle.pool;

import java.time.Duration;
import java.util.Objects;

/** Argument checks with messages that say what was wrong and what is allowed. */
final class Validation {
  private Validation() {}

  static int positive(int value, String what) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + " must be at least 1, but was " + value);
    }
    return value;
  }

  static int nonNegative(int value, String what) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must not be negative, but was " + value);
    }
    return value;
  }

  static Duration nonNegative(Duration value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative, but was " + value);
    }
    return value;
  }

  static Duration positive(Duration value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, but was " + value);
    }
    return value;
  }

  static String name(String value) {
    Objects.requireNonNull(value, "name");
    if (value.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    return value;
  }

  static void notSet(boolean set, String what, Object current) {
    if (set) {
      throw new IllegalStateException(what + " was already set to " + current);
    }
  }
}
