package dev.shuttle.receiver;

import java.util.Objects;

/**
 * The settings of an {@link OtlpReceiver}: ports, bind address, body limit, store limits and the
 * servers' protections ({@link ServerOptions}).
 *
 * {@snippet :
 * ReceiverConfig config = ReceiverConfig.builder().httpPort(0).grpcPort(0).build();
 * }
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * @param bindAddress the address both servers bind, {@code 127.0.0.1} by default
 * @param httpPort the OTLP/HTTP port (0 for an ephemeral port), or -1 to disable OTLP/HTTP
 * @param grpcPort the OTLP/gRPC port (0 for an ephemeral port), or -1 to disable OTLP/gRPC
 * @param maxBodyBytes the largest request body accepted, compressed and decompressed
 * @param storeLimits the limits of the in-memory store
 * @param serverOptions backlog, timeouts, decode budget and CORS origins of the servers
 */
public record ReceiverConfig(
    String bindAddress,
    int httpPort,
    int grpcPort,
    int maxBodyBytes,
    StoreLimits storeLimits,
    ServerOptions serverOptions) {
  /** The default OTLP/HTTP port. */
  public static final int DEFAULT_HTTP_PORT = 4318;

  /** The default OTLP/gRPC port. */
  public static final int DEFAULT_GRPC_PORT = 4317;

  /** The port value that disables a protocol. */
  public static final int DISABLED = -1;

  /** The default body limit: 64 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

  /** The largest body limit: what a Java array can hold. */
  public static final int MAX_BODY_BYTES_LIMIT = Integer.MAX_VALUE - 8;

  /** Validates every component. */
  public ReceiverConfig {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(storeLimits, "storeLimits");
    Objects.requireNonNull(serverOptions, "serverOptions");
    if (bindAddress.isBlank()) {
      throw new IllegalArgumentException("bindAddress must not be blank");
    }
    checkPort(httpPort, "httpPort");
    checkPort(grpcPort, "grpcPort");
    if (httpPort == DISABLED && grpcPort == DISABLED) {
      throw new IllegalArgumentException("at least one of httpPort and grpcPort must be enabled");
    }
    if (maxBodyBytes <= 0 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "maxBodyBytes must be within [1, " + MAX_BODY_BYTES_LIMIT + "], was " + maxBodyBytes);
    }
  }

  /**
   * Creates a configuration with the default {@link ServerOptions}.
   *
   * @param bindAddress the address both servers bind
   * @param httpPort the OTLP/HTTP port, 0 for an ephemeral port, -1 to disable
   * @param grpcPort the OTLP/gRPC port, 0 for an ephemeral port, -1 to disable
   * @param maxBodyBytes the largest request body accepted, compressed and decompressed
   * @param storeLimits the limits of the in-memory store
   */
  public ReceiverConfig(
      String bindAddress, int httpPort, int grpcPort, int maxBodyBytes, StoreLimits storeLimits) {
    this(bindAddress, httpPort, grpcPort, maxBodyBytes, storeLimits, ServerOptions.defaults());
  }

  /**
   * Returns the default configuration: 127.0.0.1, ports 4318 and 4317, 64 MiB, default limits.
   *
   * @return the defaults
   */
  public static ReceiverConfig defaults() {
    return builder().build();
  }

  /**
   * Returns a builder starting from the defaults.
   *
   * <p>Thread-safety: the builder is not thread-safe.
   *
   * @return a new builder
   */
  public static ReceiverConfigBuilder builder() {
    return new ReceiverConfigBuilder();
  }

  static void checkPort(int port, String name) {
    if (port < DISABLED || port > 65_535) {
      throw new IllegalArgumentException(
          name + " must be within [0, 65535] or -1 to disable, was " + port);
    }
  }
}
