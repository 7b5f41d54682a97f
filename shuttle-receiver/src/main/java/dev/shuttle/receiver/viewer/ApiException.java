package dev.shuttle.receiver.viewer;

/**
 * A request the API answers with an error status and {@code {"error": message}}. The message quotes
 * request data only as an escaped {@link dev.shuttle.receiver.internal.Excerpt}.
 */
final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;

  ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
