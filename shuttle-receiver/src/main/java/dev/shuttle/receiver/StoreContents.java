package dev.shuttle.receiver;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link TelemetryStore} holds — spans by trace, metric and log batches, the live view's
 * rounds — and the eviction that keeps them within the {@link StoreLimits}, across signals in one
 * arrival order.
 *
 * <p>Implementation note: not thread-safe. {@link TelemetryStore} holds it in a field guarded by
 * its lock and calls it only with that lock held. Each item keeps the estimate it was added with,
 * so eviction subtracts exactly what the add counted. Invariants between calls:
 *
 * <ul>
 *   <li>{@code traces.spanCount() <= maxSpans}, data points {@code <= maxDataPoints}, log records
 *       {@code <= maxLogRecords}, and {@link #estimatedBytes()} (the sum of the estimates of
 *       everything held) {@code <= maxBytes}.
 *   <li>every held span, trace and batch has an arrival number below {@code nextSeq}, unique across
 *       signals, increasing in arrival order; eviction order is by these numbers.
 *   <li>{@code spansReceived} only grows, by the number of spans of each export, including spans
 *       evicted or dropped since.
 * </ul>
 */
final class StoreContents {
  private final StoreLimits limits;
  private final TraceBuffer traces = new TraceBuffer();
  private final BoundedBatches<ResourceMetrics> metrics = new BoundedBatches<>();
  private final BoundedBatches<ResourceLogs> logs = new BoundedBatches<>();
  private final RunningNow running;
  private long spansReceived;
  private long nextSeq;

  StoreContents(StoreLimits limits) {
    this.limits = limits;
    this.running =
        new RunningNow(
            RunningNow.DEFAULT_MAX_PROCESSES,
            RunningNow.DEFAULT_MAX_PER_ROUND,
            Math.max(1, limits.maxBytes() / 4));
  }

  /** Links in the spans {@link TraceBuffer#prepare} kept, then evicts down to the limits. */
  void addTraces(TraceBuffer.Prepared prepared) {
    long newFrom = nextSeq;
    nextSeq += prepared.kept().size();
    traces.add(prepared, newFrom);
    spansReceived += prepared.arrived().size();
    traces.beginEviction(newFrom);
    try {
      while (traces.spanCount() > limits.maxSpans() && traces.oldestSeq() != Long.MAX_VALUE) {
        traces.evictOldest();
      }
      evictForBytes(newFrom);
    } finally {
      traces.endEviction();
    }
    // only traces this export added to remain, if a limit still holds: drop their older spans
    traces.trimOld(
        newFrom,
        limits.maxSpans(),
        limits.maxBytes() - metrics.bytes() - logs.bytes() - running.bytes());
  }

  /** Adds the metric batches {@link MetricBatches} kept, then evicts down to the limits. */
  void addMetrics(BatchKind.Trimmed<ResourceMetrics> trimmed) {
    addBatches(metrics, trimmed, limits.maxDataPoints());
  }

  /**
   * Adds the log batches {@link LogBatches} kept and the live view's records among them, then
   * evicts down to the limits; returns the rounds of the live view this export closed.
   */
  List<RunningProcess> addLogs(
      BatchKind.Trimmed<ResourceLogs> trimmed, LiveRecords.Found live, long nowMillis) {
    addBatches(logs, trimmed, limits.maxLogRecords());
    if (live.liveRecords() == 0) {
      return List.of();
    }
    running.countDropped(live.malformed());
    List<RunningProcess> rounds = running.add(live.processes(), nowMillis);
    evictForBytesOnly(nextSeq);
    return rounds;
  }

  /**
   * Stores the batches of an export (metrics or logs) that {@link BatchKind#keepNewest} kept,
   * evicting the oldest batches of the same signal beyond {@code maxItems} and the oldest of any
   * signal beyond the byte limit.
   */
  private <T> void addBatches(
      BoundedBatches<T> batches, BatchKind.Trimmed<T> trimmed, int maxItems) {
    long newFrom = nextSeq;
    for (BatchKind.Sized<T> batch : trimmed.batches()) {
      batches.add(batch, nextSeq++);
    }
    batches.countDropped(trimmed.droppedItems(), trimmed.droppedBytes());
    while (batches.items() > maxItems && batches.oldestSeq(newFrom) != Long.MAX_VALUE) {
      batches.evictOldest();
    }
    evictForBytesOnly(newFrom);
  }

  private void evictForBytesOnly(long newFrom) {
    traces.beginEviction(newFrom);
    try {
      evictForBytes(newFrom);
    } finally {
      traces.endEviction();
    }
  }

  /**
   * Evicts the oldest trace or batch of any signal, arrived before {@code newFrom}, while the byte
   * limit is exceeded; the live view's processes go last. Runs within an eviction round of {@code
   * traces}.
   */
  private void evictForBytes(long newFrom) {
    while (estimatedBytes() > limits.maxBytes()) {
      long trace = traces.oldestSeq();
      long metric = metrics.oldestSeq(newFrom);
      long log = logs.oldestSeq(newFrom);
      long oldest = Math.min(trace, Math.min(metric, log));
      if (oldest == Long.MAX_VALUE) {
        if (!running.evictOldest()) {
          return;
        }
      } else if (oldest == trace) {
        traces.evictOldest();
      } else if (oldest == metric) {
        metrics.evictOldest();
      } else {
        logs.evictOldest();
      }
    }
  }

  /** The estimated heap size of everything held. */
  long estimatedBytes() {
    return traces.bytes() + metrics.bytes() + logs.bytes() + running.bytes();
  }

  /** The estimated size of everything evicted or dropped on arrival. */
  long evictedBytes() {
    return traces.evictedBytes() + metrics.evictedBytes() + logs.evictedBytes();
  }

  /** Spans received so far, including those evicted, dropped or cleared since. */
  long spansReceived() {
    return spansReceived;
  }

  /** The trace with id {@code traceId}, if any of its spans is held. */
  Optional<StoredTrace> trace(ByteString traceId) {
    List<StoredSpan> spans = traces.spans(traceId);
    return spans == null ? Optional.empty() : Optional.of(new StoredTrace(Ids.hex(traceId), spans));
  }

  /** The spans, by trace. */
  TraceBuffer traces() {
    return traces;
  }

  /** The metric batches. */
  BoundedBatches<ResourceMetrics> metrics() {
    return metrics;
  }

  /** The log batches. */
  BoundedBatches<ResourceLogs> logs() {
    return logs;
  }

  /** The live view's records dropped so far. */
  long droppedLiveRecords() {
    return running.droppedRecords();
  }

  /**
   * Each process's last round of the live view at {@code nowMillis}, without the goroutines whose
   * own span is held (they have ended, or are about to).
   */
  List<RunningProcess> runningNow(long nowMillis) {
    List<RunningProcess> rounds = running.snapshot(nowMillis);
    List<RunningProcess> out = new ArrayList<>(rounds.size());
    Map<String, Set<String>> arrivedSpans = new HashMap<>();
    for (RunningProcess round : rounds) {
      List<RunningGoroutine> shown = new ArrayList<>(round.goroutines().size());
      for (RunningGoroutine g : round.goroutines()) {
        if (!g.hasOwnSpan()
            || !arrivedSpans.computeIfAbsent(g.traceId(), this::spanIds).contains(g.spanId())) {
          shown.add(g);
        }
      }
      out.add(shown.size() == round.goroutines().size() ? round : round.withGoroutines(shown));
    }
    return out;
  }

  private Set<String> spanIds(String traceId) {
    if (traceId.isEmpty()) {
      return Set.of();
    }
    @Nullable List<StoredSpan> spans = traces.spans(Ids.fromHex(traceId));
    if (spans == null) {
      return Set.of();
    }
    Set<String> ids = new HashSet<>();
    for (StoredSpan span : spans) {
      ids.add(span.spanId());
    }
    return ids;
  }

  /** Removes everything held; the received and evicted counters keep their values. */
  void clear() {
    traces.clear();
    metrics.clear();
    logs.clear();
    running.clear();
  }
}
