package dev.shuttle.receiver;

import java.util.List;

/**
 * Told when spans arrive at a {@link TelemetryStore}.
 *
 * <p>Thread-safety: implementations must be thread-safe; the store calls them on the receiving
 * thread (one per request), after the spans are stored and without holding the store's lock, so a
 * listener may query the store. A listener that throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface SpanListener {
  /**
   * Called with the spans of one export request, after they are stored.
   *
   * @param spans the spans that arrived, never empty
   */
  void onSpans(List<StoredSpan> spans);
}
