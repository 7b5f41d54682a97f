package dev.shuttle.receiver;

import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The listeners of a {@link TelemetryStore} — of spans, metrics and the live view's rounds — and
 * telling them about what was stored. A listener that throws is logged and the others are still
 * told.
 *
 * <p>Implementation note: each kind lives in a copy-on-write list, so registering and telling may
 * race freely, and a listener may register or unregister listeners (itself included) while it is
 * told. The store tells them after releasing its lock. Thread-safe.
 */
final class StoreListeners {
  private static final System.Logger LOG = System.getLogger(TelemetryStore.class.getName());

  private final CopyOnWriteArrayList<SpanListener> spans = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<MetricListener> metrics = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<RunningListener> running = new CopyOnWriteArrayList<>();

  /** Adds a span listener, and, if it is one, a running listener too. */
  void addSpans(SpanListener listener) {
    spans.add(Objects.requireNonNull(listener, "listener"));
    if (listener instanceof RunningListener alsoRunning) {
      addRunning(alsoRunning);
    }
  }

  /** Removes a span listener (and its running listener); true if it was registered. */
  boolean removeSpans(SpanListener listener) {
    if (listener instanceof RunningListener alsoRunning) {
      running.remove(alsoRunning);
    }
    return spans.remove(Objects.requireNonNull(listener, "listener"));
  }

  void addMetrics(MetricListener listener) {
    metrics.add(Objects.requireNonNull(listener, "listener"));
  }

  boolean removeMetrics(MetricListener listener) {
    return metrics.remove(Objects.requireNonNull(listener, "listener"));
  }

  /** Adds a running listener once, even if it is added again (as a span listener too). */
  void addRunning(RunningListener listener) {
    running.addIfAbsent(Objects.requireNonNull(listener, "listener"));
  }

  boolean removeRunning(RunningListener listener) {
    return running.remove(Objects.requireNonNull(listener, "listener"));
  }

  void spansStored(List<StoredSpan> arrived) {
    tell(spans, "span", listener -> listener.onSpans(arrived));
  }

  void metricsStored(List<ResourceMetrics> batches) {
    tell(metrics, "metric", listener -> listener.onMetrics(batches));
  }

  void roundsClosed(List<RunningProcess> rounds) {
    tell(running, "running", listener -> listener.onRunning(rounds));
  }

  /** Calls each listener; one that throws is logged and does not stop the others. */
  private static <L> void tell(List<L> listeners, String kind, Consumer<L> call) {
    for (L listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, kind + " listener " + listener + " failed", e);
      }
    }
  }
}
