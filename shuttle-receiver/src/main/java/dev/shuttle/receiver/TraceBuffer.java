package dev.shuttle.receiver;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The spans of a {@link TelemetryStore}, grouped by trace, with their estimated size; the store
 * decides what to evict, as its byte limit spans all signals.
 *
 * <p>Implementation note: not thread-safe. {@link StoreContents} holds it and calls it only with
 * {@link TelemetryStore}'s lock held; {@link #prepare} touches no state and runs before the lock is
 * taken. Invariants between calls:
 *
 * <ul>
 *   <li>{@code traces} iterates in order of each trace's first arrival; no trace is empty; the
 *       spans of a trace are in arrival order, which is increasing {@code seq} (the store's arrival
 *       sequence, shared by all signals; within an export, spans are numbered in the order they
 *       were sent).
 *   <li>{@code spanCount} is the number of spans held; {@code bytes} is the sum of the held spans'
 *       estimates, {@link #TRACE_OVERHEAD} per trace, and the estimates of the pooled resources and
 *       scopes.
 *   <li>Resources and scopes are pooled by value: a held span refers to the pool's instance, and
 *       each pool entry counts the held spans that refer to it; an entry (and its estimate) goes
 *       when its count reaches zero. Exports from one SDK repeat one resource, so the store keeps
 *       it once.
 *   <li>Eviction state ({@code cursor}, {@code candidate}, {@code protectFrom}) is set only between
 *       {@link #beginEviction} and {@link #endEviction}, within one critical section.
 * </ul>
 */
final class TraceBuffer {
  /**
   * A resource or scope with its schema URL: what the spans of one export share, compared by value.
   * The hash is computed once, when the export is prepared, so that hashing a large resource never
   * happens under the store's lock.
   */
  static final class Part<M extends Message> {
    private final M message;
    private final String schemaUrl;
    private final int hash;

    Part(M message, String schemaUrl) {
      this.message = message;
      this.schemaUrl = schemaUrl;
      this.hash = 31 * message.hashCode() + schemaUrl.hashCode();
    }

    M message() {
      return message;
    }

    String schemaUrl() {
      return schemaUrl;
    }

    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof Part<?> that
          && hash == that.hash
          && schemaUrl.equals(that.schemaUrl)
          && message.equals(that.message);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** A part with its estimate (including {@link #PART_OVERHEAD}), computed before locking. */
  record PartCost<M extends Message>(Part<M> part, long bytes) {}

  /** A span ready to be stored, with its estimate (including {@link #SPAN_OVERHEAD}). */
  record Incoming(
      StoredSpan span,
      long bytes,
      PartCost<Resource> resource,
      PartCost<InstrumentationScope> scope) {}

  /**
   * An export's spans: all that arrived (for listeners), the newest that fit the limits on their
   * own (to be stored), and the estimate of the older ones that did not.
   */
  record Prepared(List<StoredSpan> arrived, List<Incoming> kept, long droppedBytes) {
    int dropped() {
      return arrived.size() - kept.size();
    }
  }

  private record Held(StoredSpan span, long seq, long bytes) {}

  private static final class Trace {
    final ByteString id;
    final long firstSeq;
    long lastSeq;
    final ArrayList<Held> spans = new ArrayList<>();
    int dropped; // spans accounted as dropped by trimOld but not yet removed from `spans`

    Trace(ByteString id, long firstSeq) {
      this.id = id;
      this.firstSeq = firstSeq;
    }
  }

  /** A pool entry: the shared part, how many held spans refer to it, its estimate. */
  private static final class Pooled<M extends Message> {
    final Part<M> part;
    final long bytes;
    int refs;

    Pooled(Part<M> part, long bytes) {
      this.part = part;
      this.bytes = bytes;
    }
  }

  /** What a held span costs besides its protobuf: its record, the holder, a list slot. */
  static final long SPAN_OVERHEAD =
      SizeEstimator.shallow(StoredSpan.class)
          + SizeEstimator.shallow(Held.class)
          + SizeEstimator.SLOT;

  /** What a held trace costs: map entry and table slot, trace object, list with ten slots. */
  static final long TRACE_OVERHEAD =
      40 + 8 + SizeEstimator.shallow(Trace.class) + 24 + 16 + 10L * SizeEstimator.REF;

  /** What a pooled part costs besides its protobuf: hash node and slot, key, entry. */
  static final long PART_OVERHEAD =
      32 + 8 + SizeEstimator.shallow(Part.class) + SizeEstimator.shallow(Pooled.class);

  private final LinkedHashMap<ByteString, Trace> traces = new LinkedHashMap<>();
  private final HashMap<Part<Resource>, Pooled<Resource>> resources = new HashMap<>();
  private final HashMap<Part<InstrumentationScope>, Pooled<InstrumentationScope>> scopes =
      new HashMap<>();
  private int spanCount;
  private long bytes;
  private long evictedTraces;
  private long evictedSpans;
  private long evictedBytes;

  private @Nullable Iterator<Trace> cursor;
  private @Nullable Trace candidate;
  private long protectFrom;

  /**
   * Flattens an export into spans with their estimates and keeps the newest that fit {@code
   * maxSpans} and {@code maxBytes} on their own (counting each trace, resource and scope as new).
   * Runs before the store's lock is taken.
   */
  static Prepared prepare(ExportTraceServiceRequest request, int maxSpans, long maxBytes) {
    List<StoredSpan> arrived = new ArrayList<>();
    List<Incoming> incoming = new ArrayList<>();
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      Part<Resource> resource =
          new Part<>(resourceSpans.getResource(), resourceSpans.getSchemaUrl());
      PartCost<Resource> resourceCost = cost(resource);
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        Part<InstrumentationScope> scope =
            new Part<>(scopeSpans.getScope(), scopeSpans.getSchemaUrl());
        PartCost<InstrumentationScope> scopeCost = cost(scope);
        for (Span span : scopeSpans.getSpansList()) {
          StoredSpan stored =
              new StoredSpan(
                  resource.message(),
                  resource.schemaUrl(),
                  scope.message(),
                  scope.schemaUrl(),
                  span);
          arrived.add(stored);
          long estimate = SizeEstimator.span(span) + SPAN_OVERHEAD;
          incoming.add(new Incoming(stored, estimate, resourceCost, scopeCost));
        }
      }
    }
    // newest first: keep spans while the kept suffix fits on its own
    Set<ByteString> traceIds = new HashSet<>();
    Set<PartCost<?>> parts = Collections.newSetFromMap(new IdentityHashMap<>());
    long keptBytes = 0;
    int from = incoming.size();
    while (from > 0 && incoming.size() - from < maxSpans) {
      Incoming next = incoming.get(from - 1);
      long cost = next.bytes();
      cost += traceIds.contains(next.span().span().getTraceId()) ? 0 : TRACE_OVERHEAD;
      cost += parts.contains(next.resource()) ? 0 : next.resource().bytes();
      cost += parts.contains(next.scope()) ? 0 : next.scope().bytes();
      if (keptBytes + cost > maxBytes) {
        break;
      }
      keptBytes += cost;
      traceIds.add(next.span().span().getTraceId());
      parts.add(next.resource());
      parts.add(next.scope());
      from--;
    }
    long droppedBytes = 0;
    for (Incoming dropped : incoming.subList(0, from)) {
      droppedBytes += dropped.bytes();
    }
    List<Incoming> kept =
        from == 0 ? incoming : List.copyOf(incoming.subList(from, incoming.size()));
    return new Prepared(arrived, kept, droppedBytes);
  }

  private static <M extends Message> PartCost<M> cost(Part<M> part) {
    return new PartCost<>(
        part, SizeEstimator.part(part.message(), part.schemaUrl()) + PART_OVERHEAD);
  }

  /**
   * Stores prepared spans, numbering them from {@code firstSeq} in order, and counts the dropped
   * ones as evicted.
   */
  void add(Prepared prepared, long firstSeq) {
    evictedSpans += prepared.dropped();
    evictedBytes += prepared.droppedBytes();
    long seq = firstSeq;
    for (Incoming in : prepared.kept()) {
      Part<Resource> resource = acquire(resources, in.resource());
      Part<InstrumentationScope> scope = acquire(scopes, in.scope());
      StoredSpan span =
          new StoredSpan(
              resource.message(),
              resource.schemaUrl(),
              scope.message(),
              scope.schemaUrl(),
              in.span().span());
      ByteString id = span.span().getTraceId();
      Trace trace = traces.get(id);
      if (trace == null) {
        trace = new Trace(id, seq);
        traces.put(id, trace);
        bytes += TRACE_OVERHEAD;
      }
      trace.spans.add(new Held(span, seq, in.bytes()));
      trace.lastSeq = seq;
      bytes += in.bytes();
      spanCount++;
      seq++;
    }
  }

  private <M extends Message> Part<M> acquire(Map<Part<M>, Pooled<M>> pool, PartCost<M> cost) {
    Pooled<M> pooled = pool.get(cost.part());
    if (pooled == null) {
      pooled = new Pooled<>(cost.part(), cost.bytes());
      pool.put(cost.part(), pooled);
      bytes += cost.bytes();
    }
    pooled.refs++;
    return pooled.part;
  }

  private <M extends Message> void release(Map<Part<M>, Pooled<M>> pool, Part<M> part) {
    Pooled<M> pooled = pool.get(part);
    if (pooled != null && --pooled.refs == 0) {
      pool.remove(part);
      bytes -= pooled.bytes;
    }
  }

  /** Accounts one held span as gone: counts, bytes, pool references. */
  private void forget(Held held) {
    StoredSpan span = held.span();
    release(resources, new Part<>(span.resource(), span.resourceSchemaUrl()));
    release(scopes, new Part<>(span.scope(), span.scopeSchemaUrl()));
    bytes -= held.bytes();
    spanCount--;
    evictedSpans++;
    evictedBytes += held.bytes();
  }

  /**
   * Starts an eviction round: traces that received a span numbered {@code protectFrom} or later
   * (those of the export being added) are not offered by {@link #oldestSeq}.
   */
  void beginEviction(long protectFrom) {
    this.protectFrom = protectFrom;
    cursor = traces.values().iterator();
    candidate = null;
  }

  /**
   * Returns the first-arrival number of the oldest trace that may be evicted whole, or {@link
   * Long#MAX_VALUE} if there is none; only between {@link #beginEviction} and {@link #endEviction}.
   */
  long oldestSeq() {
    Iterator<Trace> it = cursor;
    if (it == null) {
      throw new IllegalStateException("no eviction round");
    }
    while (candidate == null && it.hasNext()) {
      Trace next = it.next();
      if (next.lastSeq < protectFrom) {
        candidate = next;
      }
    }
    return candidate == null ? Long.MAX_VALUE : candidate.firstSeq;
  }

  /** Evicts the trace {@link #oldestSeq} offered, which must exist. */
  void evictOldest() {
    oldestSeq();
    Trace victim = candidate;
    Iterator<Trace> it = cursor;
    if (victim == null || it == null) {
      throw new IllegalStateException("no trace to evict");
    }
    it.remove();
    candidate = null;
    for (Held held : victim.spans) {
      forget(held);
    }
    bytes -= TRACE_OVERHEAD;
    evictedTraces++;
  }

  /** Ends an eviction round. */
  void endEviction() {
    cursor = null;
    candidate = null;
  }

  /**
   * Drops spans numbered before {@code newFrom}, oldest first, while more than {@code maxSpans}
   * spans or more than {@code maxBytes} are held; for when only traces of the export being added
   * remain. A trace left without spans goes, counted as evicted.
   */
  void trimOld(long newFrom, int maxSpans, long maxBytes) {
    if (spanCount <= maxSpans && bytes <= maxBytes) {
      return;
    }
    record Old(Trace trace, Held held) {}
    List<Old> old = new ArrayList<>();
    for (Trace trace : traces.values()) {
      for (Held held : trace.spans) {
        if (held.seq() >= newFrom) {
          break;
        }
        old.add(new Old(trace, held));
      }
    }
    old.sort(Comparator.comparingLong(o -> o.held().seq()));
    for (int i = 0; i < old.size() && (spanCount > maxSpans || bytes > maxBytes); i++) {
      Trace trace = old.get(i).trace();
      forget(old.get(i).held());
      if (++trace.dropped == trace.spans.size()) {
        bytes -= TRACE_OVERHEAD;
      }
    }
    for (Iterator<Trace> it = traces.values().iterator(); it.hasNext(); ) {
      Trace trace = it.next();
      if (trace.dropped == trace.spans.size()) {
        it.remove();
        evictedTraces++;
      } else if (trace.dropped > 0) {
        trace.spans.subList(0, trace.dropped).clear();
        trace.dropped = 0;
      }
    }
  }

  /** Returns the spans of a trace in arrival order, or null if none are held. */
  @Nullable List<StoredSpan> spans(ByteString traceId) {
    Trace trace = traces.get(traceId);
    return trace == null ? null : spansOf(trace);
  }

  /** Returns every trace held, in order of first arrival. */
  List<StoredTrace> snapshot() {
    List<StoredTrace> result = new ArrayList<>(traces.size());
    for (Trace trace : traces.values()) {
      result.add(new StoredTrace(Ids.hex(trace.id), spansOf(trace)));
    }
    return result;
  }

  private static List<StoredSpan> spansOf(Trace trace) {
    List<StoredSpan> spans = new ArrayList<>(trace.spans.size());
    for (Held held : trace.spans) {
      spans.add(held.span());
    }
    return spans;
  }

  int spanCount() {
    return spanCount;
  }

  int traceCount() {
    return traces.size();
  }

  long bytes() {
    return bytes;
  }

  long evictedTraces() {
    return evictedTraces;
  }

  long evictedSpans() {
    return evictedSpans;
  }

  long evictedBytes() {
    return evictedBytes;
  }

  /** Removes every span without counting it as evicted. */
  void clear() {
    traces.clear();
    resources.clear();
    scopes.clear();
    spanCount = 0;
    bytes = 0;
  }
}
