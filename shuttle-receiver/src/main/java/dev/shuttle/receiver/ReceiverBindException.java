package dev.shuttle.receiver;

import java.io.IOException;
import java.net.BindException;

/**
 * Thrown by {@link OtlpReceiver#start()} when one of its servers cannot listen on its address,
 * typically because another process (another receiver, a collector) holds the port. It names the
 * server and the port, so that a command line can say which option to change.
 *
 * {@snippet :
 * try {
 *   receiver.start();
 * } catch (ReceiverBindException e) {
 *   System.err.println(e.getMessage()); // OTLP/gRPC cannot listen on 127.0.0.1:4317: address already in use
 * }
 * }
 *
 * <p>Thread-safety: immutable once thrown.
 */
public final class ReceiverBindException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The OTLP/HTTP server, as {@link #protocol()} names it. */
  public static final String HTTP = "OTLP/HTTP";

  /** The OTLP/gRPC server, as {@link #protocol()} names it. */
  public static final String GRPC = "OTLP/gRPC";

  /** The server that could not listen: {@link #HTTP} or {@link #GRPC}. */
  private final String protocol;

  /** The port it could not listen on. */
  private final int port;

  ReceiverBindException(String protocol, String host, int port, IOException cause) {
    super(protocol + " cannot listen on " + host + ":" + port + ": " + reason(cause), cause);
    this.protocol = protocol;
    this.port = port;
  }

  /**
   * Returns the server that could not listen: {@link #HTTP} or {@link #GRPC}.
   *
   * @return the server's protocol
   */
  public String protocol() {
    return protocol;
  }

  /**
   * Returns the port it could not listen on.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /** The innermost cause's message, in words when it is a port in use. */
  private static String reason(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; depth < 8 && cause.getCause() != null; depth++) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    if (cause instanceof BindException || message.contains("Address already in use")) {
      return message.contains("in use") ? "address already in use" : message;
    }
    return message;
  }
}
