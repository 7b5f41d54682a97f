package dev.shuttle.demo.scenario;

import java.util.Objects;

/**
 * Where the demo exports over OTLP, for a scenario that starts processes of its own which must
 * export to the same place: the endpoint URL and the protocol ({@code grpc} or {@code
 * http/protobuf}).
 */
public record OtlpTarget(String endpoint, String protocol) {
  /** Checks that both are given. */
  public OtlpTarget {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(protocol, "protocol");
  }
}
