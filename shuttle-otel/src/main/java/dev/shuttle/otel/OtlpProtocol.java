package dev.shuttle.otel;

/**
 * The OTLP transport protocols an application can export with.
 *
 * <p>Thread-safety: enum constants are immutable and safe to share.
 */
public enum OtlpProtocol {
  /** OTLP over gRPC, by default on port 4317. */
  GRPC("grpc"),
  /** OTLP over HTTP with protobuf bodies, by default on port 4318. */
  HTTP_PROTOBUF("http/protobuf");

  private final String configValue;

  OtlpProtocol(String configValue) {
    this.configValue = configValue;
  }

  /**
   * Returns the value of {@code otel.exporter.otlp.protocol} that selects this protocol.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the configuration value, such as {@code http/protobuf}
   */
  public String configValue() {
    return configValue;
  }
}
