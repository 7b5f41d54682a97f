package dev.shuttle.receiver.viewer;

import dev.shuttle.receiver.ServerOptions;
import java.util.Objects;

/**
 * Builds a {@link ViewerConfig}, validating each setting at once.
 *
 * <p>Thread-safety: not thread-safe; use on one thread.
 */
public final class ViewerConfigBuilder {
  private String bindAddress = "127.0.0.1";
  private int port = ViewerConfig.DEFAULT_PORT;
  private ServerOptions serverOptions = ServerOptions.defaults();

  ViewerConfigBuilder() {}

  /**
   * Sets the address to bind.
   *
   * <p>On a loopback address (the default) the viewer answers only requests whose {@code Host} is
   * {@code localhost}, {@code 127.0.0.1}, {@code [::1]} or this address, which defeats DNS
   * rebinding; on any other address anyone who can reach the port can read everything the store
   * holds.
   *
   * @param bindAddress a host name or IP literal
   * @return this builder
   */
  public ViewerConfigBuilder bindAddress(String bindAddress) {
    Objects.requireNonNull(bindAddress, "bindAddress");
    ViewerConfig.checkBindAddress(bindAddress);
    this.bindAddress = bindAddress;
    return this;
  }

  /**
   * Sets the port: 0 for an ephemeral port.
   *
   * @param port the port
   * @return this builder
   */
  public ViewerConfigBuilder port(int port) {
    ViewerConfig.checkPort(port);
    this.port = port;
    return this;
  }

  /**
   * Sets the backlog and timeouts (see {@link ViewerConfig} for the options that apply).
   *
   * @param serverOptions the options
   * @return this builder
   */
  public ViewerConfigBuilder serverOptions(ServerOptions serverOptions) {
    this.serverOptions = Objects.requireNonNull(serverOptions, "serverOptions");
    return this;
  }

  /**
   * Builds the configuration.
   *
   * @return the configuration
   */
  public ViewerConfig build() {
    return new ViewerConfig(bindAddress, port, serverOptions);
  }
}
