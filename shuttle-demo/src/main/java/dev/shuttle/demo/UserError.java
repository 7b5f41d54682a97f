package dev.shuttle.demo;

/**
 * A mistake in how {@code shuttle} was run (an option, a variable, a file), in one line that names
 * the problem and says what to do. The command line prints the line alone, never a stack trace, and
 * exits with code 2.
 */
final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UserError(String message) {
    super(message, null, false, false);
  }
}
