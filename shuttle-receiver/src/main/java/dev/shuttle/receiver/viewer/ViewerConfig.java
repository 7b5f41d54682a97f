package dev.shuttle.receiver.viewer;

import dev.shuttle.receiver.ServerOptions;
import java.util.Objects;

/**
 * The settings of a {@link ViewerServer}: port, bind address and the server's protections.
 *
 * {@snippet :
 * ViewerConfig config = ViewerConfig.builder().port(0).build(); // an ephemeral port on 127.0.0.1
 * }
 *
 * <p>Of the {@link ServerOptions}, the viewer applies the backlog, the header timeout and the idle
 * timeout; it reads no request bodies and sends no CORS headers, so the body rate, the decode
 * budget and the CORS origins do not apply to it. A stream of server-sent events writes at least
 * every 15 seconds, so it outlives an idle timeout longer than that.
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * @param bindAddress the address to bind, {@code 127.0.0.1} by default
 * @param port the port, 0 for an ephemeral port
 * @param serverOptions backlog and timeouts
 */
public record ViewerConfig(String bindAddress, int port, ServerOptions serverOptions) {
  /** The default port: 16686, the port of Jaeger's UI, which users know for a trace viewer. */
  public static final int DEFAULT_PORT = 16686;

  /** Validates every component. */
  public ViewerConfig {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(serverOptions, "serverOptions");
    checkBindAddress(bindAddress);
    checkPort(port);
  }

  /**
   * Returns the default configuration: 127.0.0.1, port 16686, default server options.
   *
   * @return the defaults
   */
  public static ViewerConfig defaults() {
    return builder().build();
  }

  /**
   * Returns a builder starting from the defaults.
   *
   * <p>Thread-safety: the builder is not thread-safe.
   *
   * @return a new builder
   */
  public static ViewerConfigBuilder builder() {
    return new ViewerConfigBuilder();
  }

  static void checkPort(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          "port must be within [0, 65535] (0 for any free port), was " + port);
    }
  }

  static void checkBindAddress(String bindAddress) {
    if (bindAddress.isBlank()) {
      throw new IllegalArgumentException("bindAddress must not be blank");
    }
  }
}
