package dev.shuttle.receiver;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of the spans of one trace held by the store, in arrival order.
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * @param traceId the trace id as 32 lower-case hex digits
 * @param spans the spans, in arrival order; never empty
 */
public record StoredTrace(String traceId, List<StoredSpan> spans) {

  /** Copies the span list and checks the components. */
  public StoredTrace {
    Objects.requireNonNull(traceId, "traceId");
    spans = List.copyOf(spans);
    if (spans.isEmpty()) {
      throw new IllegalArgumentException("a trace has at least one span; trace " + traceId);
    }
  }

  /**
   * Returns the first root span (a span without parent), if it has arrived.
   *
   * @return the root span, or empty
   */
  public Optional<StoredSpan> root() {
    return spans.stream().filter(StoredSpan::isRoot).findFirst();
  }

  /**
   * Returns the service name of the root span, or of the first span when no root has arrived.
   *
   * @return the service name
   */
  public String serviceName() {
    return root().orElse(spans.getFirst()).serviceName();
  }
}
