package dev.shuttle.demo;

/**
 * Why {@code shuttle goroutines} could not print a dump, in one line that says what to do; never
 * shown with a stack trace.
 */
final class GoroutinesFailure extends Exception {
  private static final long serialVersionUID = 1L;

  GoroutinesFailure(String message) {
    super(message, null, false, false);
  }
}
