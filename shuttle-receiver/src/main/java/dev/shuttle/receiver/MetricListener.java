package dev.shuttle.receiver;

import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.util.List;

/**
 * Told when metrics arrive at a {@link TelemetryStore}.
 *
 * <p>Thread-safety: implementations must be thread-safe; the store calls them on the receiving
 * thread (one per request), after the metrics are stored and without holding the store's lock, so a
 * listener may query the store. A listener that throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface MetricListener {
  /**
   * Called with the metric batches of one export request, after they are stored.
   *
   * @param batches the {@code resourceMetrics} of the request as received, never empty (the store
   *     may have kept only their newest points, see {@link TelemetryStore#addMetrics})
   */
  void onMetrics(List<ResourceMetrics> batches);
}
