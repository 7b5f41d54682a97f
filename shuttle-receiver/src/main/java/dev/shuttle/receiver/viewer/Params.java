package dev.shuttle.receiver.viewer;

import dev.shuttle.receiver.internal.Excerpt;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The query parameters of one API request, checked as they are read: a parameter given twice, or
 * longer than {@link #MAX_VALUE_CHARS}, is a 400. Unknown parameters are ignored.
 *
 * <p>Thread-safety: immutable.
 */
final class Params {
  /** The longest parameter value accepted. */
  static final int MAX_VALUE_CHARS = 1024;

  private final Map<String, List<String>> values;

  Params(Map<String, List<String>> values) {
    this.values = Map.copyOf(values);
  }

  /** The value of a parameter, or null if absent; an empty value counts as absent. */
  @Nullable String get(String name) throws ApiException {
    List<String> given = values.get(name);
    if (given == null || given.isEmpty()) {
      return null;
    }
    if (given.size() > 1) {
      throw new ApiException(
          400, "parameter " + name + " given " + given.size() + " times; give it once");
    }
    String value = given.getFirst();
    if (value.length() > MAX_VALUE_CHARS) {
      throw new ApiException(
          400, "parameter " + name + " is longer than " + MAX_VALUE_CHARS + " characters");
    }
    return value.isEmpty() ? null : value;
  }

  /** An integer parameter within {@code [min, max]}, or {@code fallback} if absent. */
  int integer(String name, int fallback, int min, int max) throws ApiException {
    String value = get(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ApiException(
        400,
        "parameter "
            + name
            + " must be a whole number from "
            + min
            + " to "
            + max
            + ", was '"
            + Excerpt.of(value)
            + "'");
  }

  /** A finite number parameter within {@code [min, max]}, or null if absent. */
  @Nullable Double number(String name, double min, double max) throws ApiException {
    String value = get(name);
    if (value == null) {
      return null;
    }
    try {
      double parsed = Double.parseDouble(value.trim());
      if (Double.isFinite(parsed) && parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ApiException(
        400,
        "parameter "
            + name
            + " must be a number from "
            + (long) min
            + " to "
            + (long) max
            + ", was '"
            + Excerpt.of(value)
            + "'");
  }
}
