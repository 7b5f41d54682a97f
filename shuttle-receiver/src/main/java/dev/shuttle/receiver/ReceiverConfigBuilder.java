package dev.shuttle.receiver;

import java.util.Objects;

/**
 * Builds a {@link ReceiverConfig}, validating each setting at once.
 *
 * <p>Thread-safety: not thread-safe; use on one thread.
 */
public final class ReceiverConfigBuilder {
  private String bindAddress = "127.0.0.1";
  private int httpPort = ReceiverConfig.DEFAULT_HTTP_PORT;
  private int grpcPort = ReceiverConfig.DEFAULT_GRPC_PORT;
  private int maxBodyBytes = ReceiverConfig.DEFAULT_MAX_BODY_BYTES;
  private StoreLimits storeLimits = StoreLimits.defaults();
  private ServerOptions serverOptions = ServerOptions.defaults();

  ReceiverConfigBuilder() {}

  /**
   * Sets the address to bind, for example {@code 0.0.0.0} to accept remote senders.
   *
   * <p>On a loopback address (the default) OTLP/HTTP answers only requests whose {@code Host} is
   * {@code localhost}, {@code 127.0.0.1}, {@code [::1]} or this address, which defeats DNS
   * rebinding from web pages; on any other address it accepts every {@code Host}, and anyone who
   * can reach the port can send to it.
   *
   * @param bindAddress a host name or IP literal
   * @return this builder
   */
  public ReceiverConfigBuilder bindAddress(String bindAddress) {
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (bindAddress.isBlank()) {
      throw new IllegalArgumentException("bindAddress must not be blank");
    }
    this.bindAddress = bindAddress;
    return this;
  }

  /**
   * Sets the OTLP/HTTP port: 0 for an ephemeral port, -1 to disable.
   *
   * @param port the port
   * @return this builder
   */
  public ReceiverConfigBuilder httpPort(int port) {
    ReceiverConfig.checkPort(port, "httpPort");
    this.httpPort = port;
    return this;
  }

  /**
   * Sets the OTLP/gRPC port: 0 for an ephemeral port, -1 to disable.
   *
   * @param port the port
   * @return this builder
   */
  public ReceiverConfigBuilder grpcPort(int port) {
    ReceiverConfig.checkPort(port, "grpcPort");
    this.grpcPort = port;
    return this;
  }

  /**
   * Sets the body limit, applied to the compressed and to the decompressed size.
   *
   * @param maxBodyBytes the limit in bytes, positive
   * @return this builder
   */
  public ReceiverConfigBuilder maxBodyBytes(int maxBodyBytes) {
    if (maxBodyBytes <= 0 || maxBodyBytes > ReceiverConfig.MAX_BODY_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "maxBodyBytes must be within [1, "
              + ReceiverConfig.MAX_BODY_BYTES_LIMIT
              + "], was "
              + maxBodyBytes);
    }
    this.maxBodyBytes = maxBodyBytes;
    return this;
  }

  /**
   * Sets the limits of the in-memory store.
   *
   * @param storeLimits the limits
   * @return this builder
   */
  public ReceiverConfigBuilder storeLimits(StoreLimits storeLimits) {
    this.storeLimits = Objects.requireNonNull(storeLimits, "storeLimits");
    return this;
  }

  /**
   * Sets the servers' backlog, timeouts, decode budget and CORS origins.
   *
   * @param serverOptions the options
   * @return this builder
   */
  public ReceiverConfigBuilder serverOptions(ServerOptions serverOptions) {
    this.serverOptions = Objects.requireNonNull(serverOptions, "serverOptions");
    return this;
  }

  /**
   * Builds the configuration.
   *
   * @return the configuration
   * @throws IllegalArgumentException if both protocols are disabled
   */
  public ReceiverConfig build() {
    return new ReceiverConfig(
        bindAddress, httpPort, grpcPort, maxBodyBytes, storeLimits, serverOptions);
  }
}
