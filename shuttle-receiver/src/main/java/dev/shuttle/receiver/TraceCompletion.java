package dev.shuttle.receiver;

import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.SpanFlags;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which traces a batch of arriving spans completes, so that a printer shows each trace
 * once, when it is whole.
 *
 * <p>A process ends a trace's local root span last, so a trace is complete, as far as this process
 * goes, when its local root arrives. A batch completes a trace when it brings:
 *
 * <ul>
 *   <li>a root span (no parent), or
 *   <li>a span whose parent is remote and not in the store, and which starts no later than every
 *       span the store holds for the trace (the trace's earliest span): the root of a service that
 *       another service called. The parent counts as remote when the span's {@code flags} say so
 *       ({@code SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK} and {@code
 *       SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK}, OTLP 1.1, set by current SDKs); when the flags do not
 *       say, a {@code SERVER} or {@code CONSUMER} span counts as entered from a remote caller,
 *       other kinds do not.
 * </ul>
 *
 * <p>A child whose parent has not arrived yet (the usual order, since children end first and are
 * often exported in an earlier batch) therefore completes nothing: its flags say its parent is
 * local, or, without flags, it is not a server or consumer span. A service that calls itself
 * through the network shows its trace once when the inner server span arrives, if no earlier span
 * of the trace is stored yet, and again, whole, when the outer root arrives.
 *
 * <p>Thread-safety: stateless; safe to call from any thread. It reads the store's snapshots, so it
 * may run in a {@link SpanListener}.
 */
public final class TraceCompletion {
  private TraceCompletion() {}

  /**
   * Returns the ids of the traces that a batch of spans, already added to the store, completes.
   *
   * @param arrived the spans of one export request, as given to a {@link SpanListener}
   * @param store the store the spans were added to
   * @return the hex trace ids, in arrival order
   */
  public static Set<String> completedBy(List<StoredSpan> arrived, TelemetryStore store) {
    Objects.requireNonNull(arrived, "arrived");
    Objects.requireNonNull(store, "store");
    Set<String> completed = new LinkedHashSet<>();
    Map<String, List<StoredSpan>> remoteChildren = new LinkedHashMap<>();
    for (StoredSpan span : arrived) {
      if (span.isRoot()) {
        completed.add(span.traceId());
      } else if (mayHaveRemoteParent(span.span())) {
        remoteChildren.computeIfAbsent(span.traceId(), id -> new ArrayList<>()).add(span);
      }
    }
    remoteChildren.forEach(
        (traceId, candidates) -> {
          if (!completed.contains(traceId) && hasLocalRoot(candidates, store.trace(traceId))) {
            completed.add(traceId);
          }
        });
    return completed;
  }

  /** Returns whether a non-root span's parent may be in another process. */
  static boolean mayHaveRemoteParent(Span span) {
    int flags = span.getFlags();
    if ((flags & SpanFlags.SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK_VALUE) != 0) {
      return (flags & SpanFlags.SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK_VALUE) != 0;
    }
    return span.getKind() == Span.SpanKind.SPAN_KIND_SERVER
        || span.getKind() == Span.SpanKind.SPAN_KIND_CONSUMER;
  }

  private static boolean hasLocalRoot(List<StoredSpan> candidates, Optional<StoredTrace> trace) {
    if (trace.isEmpty()) {
      return false; // evicted meanwhile
    }
    Set<String> stored = new HashSet<>();
    long earliest = -1L; // the largest unsigned value: start times are fixed64
    for (StoredSpan span : trace.get().spans()) {
      stored.add(span.spanId());
      long start = span.span().getStartTimeUnixNano();
      if (Long.compareUnsigned(start, earliest) < 0) {
        earliest = start;
      }
    }
    for (StoredSpan candidate : candidates) {
      if (!stored.contains(candidate.parentSpanId())
          && Long.compareUnsigned(candidate.span().getStartTimeUnixNano(), earliest) <= 0) {
        return true;
      }
    }
    return false;
  }
}
