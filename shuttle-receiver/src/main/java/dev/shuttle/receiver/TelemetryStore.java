package dev.shuttle.receiver;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded, thread-safe in-memory store of received spans (grouped by trace), metrics and logs.
 *
 * {@snippet :
 * TelemetryStore store = receiver.store();
 * store.awaitSpans(3, Duration.ofSeconds(5));
 * StoredTrace trace = store.trace("5b8efff798038103d269b633813fc60c").orElseThrow();
 * }
 *
 * <p>Implementation note (concurrency). One {@link ReentrantLock}, {@code lock}, guards the span
 * state; metrics and logs live in two {@link BoundedBatches}, each with its own lock, so the three
 * signals never contend. Invariants of the span state, true whenever {@code lock} is free:
 *
 * <ul>
 *   <li>{@code spanCount} equals the total number of spans in {@code traces}, and {@code spanCount
 *       <= limits.maxSpans()}; no list in {@code traces} is empty.
 *   <li>{@code traces} iterates in order of each trace's first arrival, so its head is the oldest
 *       trace; eviction removes whole traces from the head and adds their span count to {@code
 *       evictedSpans} and one per trace to {@code evictedTraces}.
 *   <li>{@code spansReceived} only grows, by the number of spans of each accepted request,
 *       including spans later evicted; it is what {@link #awaitSpans} waits on.
 *   <li>metrics and logs are kept per received batch; beyond their limits the oldest batches go
 *       first (see {@link BoundedBatches}).
 * </ul>
 *
 * <p>Each add is linearised at its lock release: queries see all of a request's spans or none.
 * {@code spansArrived} is signalled (under the lock) after every span add. Listeners live in a
 * copy-on-write list and are called after the lock is released, so a slow listener never blocks
 * other receivers or queries and may itself query the store. Queries copy under the lock and return
 * immutable snapshots; they scan linearly, which is fine for a debugging store.
 *
 * <p>Thread-safety: all methods are safe to call from any thread, including virtual threads (the
 * lock does not pin carriers).
 */
public final class TelemetryStore {
  private static final System.Logger LOG = System.getLogger(TelemetryStore.class.getName());

  private final StoreLimits limits;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition spansArrived = lock.newCondition();
  private final CopyOnWriteArrayList<SpanListener> listeners = new CopyOnWriteArrayList<>();

  @GuardedBy("lock")
  private final LinkedHashMap<ByteString, List<StoredSpan>> traces = new LinkedHashMap<>();

  @GuardedBy("lock")
  private int spanCount;

  @GuardedBy("lock")
  private long spansReceived;

  @GuardedBy("lock")
  private long evictedTraces;

  @GuardedBy("lock")
  private long evictedSpans;

  private final BoundedBatches<ResourceMetrics> metrics;
  private final BoundedBatches<ResourceLogs> logs;

  private TelemetryStore(StoreLimits limits) {
    this.limits = limits;
    this.metrics = new BoundedBatches<>(limits.maxDataPoints());
    this.logs = new BoundedBatches<>(limits.maxLogRecords());
  }

  /**
   * Creates an empty store with the given limits.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @param limits the span, data point and log record limits
   * @return a new store
   */
  public static TelemetryStore create(StoreLimits limits) {
    return new TelemetryStore(Objects.requireNonNull(limits, "limits"));
  }

  /**
   * Creates an empty store with {@link StoreLimits#defaults()}.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return a new store
   */
  public static TelemetryStore create() {
    return create(StoreLimits.defaults());
  }

  /**
   * Returns this store's limits.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the limits
   */
  public StoreLimits limits() {
    return limits;
  }

  // ---------------------------------------------------------------- spans

  /**
   * Stores the spans of an export request, evicting the oldest traces beyond the span limit, then
   * tells the listeners.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @param request the request as received
   * @return the number of spans in the request
   */
  public int addTraces(ExportTraceServiceRequest request) {
    Objects.requireNonNull(request, "request");
    List<StoredSpan> arrived = new ArrayList<>();
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          arrived.add(
              new StoredSpan(
                  resourceSpans.getResource(),
                  resourceSpans.getSchemaUrl(),
                  scopeSpans.getScope(),
                  scopeSpans.getSchemaUrl(),
                  span));
        }
      }
    }
    if (arrived.isEmpty()) {
      return 0;
    }
    lock.lock();
    try {
      for (StoredSpan span : arrived) {
        traces.computeIfAbsent(span.span().getTraceId(), id -> new ArrayList<>()).add(span);
      }
      spanCount += arrived.size();
      spansReceived += arrived.size();
      Iterator<List<StoredSpan>> oldest = traces.values().iterator();
      while (spanCount > limits.maxSpans() && oldest.hasNext()) {
        List<StoredSpan> evicted = oldest.next();
        oldest.remove();
        spanCount -= evicted.size();
        evictedSpans += evicted.size();
        evictedTraces++;
      }
      spansArrived.signalAll();
    } finally {
      lock.unlock();
    }
    List<StoredSpan> view = List.copyOf(arrived);
    for (SpanListener listener : listeners) {
      try {
        listener.onSpans(view);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "span listener " + listener + " failed", e);
      }
    }
    return arrived.size();
  }

  /**
   * Registers a listener told about every span request stored from now on.
   *
   * <p>Thread-safety: safe to call from any thread, also from within a listener.
   *
   * @param listener the listener
   */
  public void addListener(SpanListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Unregisters a listener.
   *
   * <p>Thread-safety: safe to call from any thread, also from within a listener.
   *
   * @param listener the listener
   * @return true if it was registered
   */
  public boolean removeListener(SpanListener listener) {
    return listeners.remove(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Waits until at least {@code count} spans have been received since the store was created,
   * counting spans that were evicted since.
   *
   * <p>Thread-safety: safe to call from any thread; honours interruption.
   *
   * @param count the number of spans to wait for
   * @param timeout the longest time to wait
   * @return true if that many spans arrived, false on timeout
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean awaitSpans(long count, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    long remaining = timeout.toNanos();
    lock.lockInterruptibly();
    try {
      while (spansReceived < count) {
        if (remaining <= 0) {
          return false;
        }
        remaining = spansArrived.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the trace with the given id, if the store holds any of its spans.
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @param traceId the trace id in hex (upper or lower case)
   * @return the trace, or empty
   * @throws IllegalArgumentException if the id is not hex
   */
  public Optional<StoredTrace> trace(String traceId) {
    Objects.requireNonNull(traceId, "traceId");
    ByteString id = Ids.fromHex(traceId);
    lock.lock();
    try {
      List<StoredSpan> spans = traces.get(id);
      return spans == null ? Optional.empty() : Optional.of(new StoredTrace(Ids.hex(id), spans));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns every trace held, oldest first.
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @return the traces
   */
  public List<StoredTrace> traces() {
    lock.lock();
    try {
      List<StoredTrace> result = new ArrayList<>(traces.size());
      traces.forEach((id, spans) -> result.add(new StoredTrace(Ids.hex(id), spans)));
      return List.copyOf(result);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the traces with at least one span from the given service, oldest first.
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @param serviceName the {@code service.name} resource attribute
   * @return the matching traces
   */
  public List<StoredTrace> tracesByService(String serviceName) {
    Objects.requireNonNull(serviceName, "serviceName");
    return traces().stream()
        .filter(t -> t.spans().stream().anyMatch(s -> s.serviceName().equals(serviceName)))
        .toList();
  }

  /**
   * Returns the spans with the given name, in trace order then arrival order.
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @param name the span name
   * @return the matching spans
   */
  public List<StoredSpan> spansByName(String name) {
    Objects.requireNonNull(name, "name");
    return traces().stream()
        .flatMap(t -> t.spans().stream())
        .filter(s -> s.name().equals(name))
        .toList();
  }

  /**
   * Returns the number of spans held now.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the span count
   */
  public int spanCount() {
    lock.lock();
    try {
      return spanCount;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the number of traces held now.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the trace count
   */
  public int traceCount() {
    lock.lock();
    try {
      return traces.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the number of spans received since creation, including evicted and cleared ones.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the total received
   */
  public long spansReceived() {
    lock.lock();
    try {
      return spansReceived;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns how many traces were evicted to respect the span limit.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the evicted trace count
   */
  public long evictedTraces() {
    lock.lock();
    try {
      return evictedTraces;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns how many spans were evicted (with their traces) to respect the span limit.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the evicted span count
   */
  public long evictedSpans() {
    lock.lock();
    try {
      return evictedSpans;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the held spans regrouped as one export request, oldest trace first.
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @return the spans as {@code resourceSpans}
   */
  public ExportTraceServiceRequest tracesAsRequest() {
    record ResourceKey(Resource resource, String schemaUrl) {}
    record ScopeKey(InstrumentationScope scope, String schemaUrl) {}
    Map<ResourceKey, Map<ScopeKey, List<Span>>> grouped = new LinkedHashMap<>();
    for (StoredTrace trace : traces()) {
      for (StoredSpan s : trace.spans()) {
        grouped
            .computeIfAbsent(
                new ResourceKey(s.resource(), s.resourceSchemaUrl()), k -> new LinkedHashMap<>())
            .computeIfAbsent(new ScopeKey(s.scope(), s.scopeSchemaUrl()), k -> new ArrayList<>())
            .add(s.span());
      }
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    grouped.forEach(
        (resourceKey, scopes) -> {
          ResourceSpans.Builder resourceSpans =
              request
                  .addResourceSpansBuilder()
                  .setResource(resourceKey.resource())
                  .setSchemaUrl(resourceKey.schemaUrl());
          scopes.forEach(
              (scopeKey, spans) ->
                  resourceSpans
                      .addScopeSpansBuilder()
                      .setScope(scopeKey.scope())
                      .setSchemaUrl(scopeKey.schemaUrl())
                      .addAllSpans(spans));
        });
    return request.build();
  }

  // ---------------------------------------------------------------- metrics

  /**
   * Stores the metrics of an export request, evicting the oldest metric batches beyond the data
   * point limit.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @param request the request as received
   * @return the number of data points in the request
   */
  public int addMetrics(ExportMetricsServiceRequest request) {
    Objects.requireNonNull(request, "request");
    List<Integer> sizes = new ArrayList<>();
    int total = 0;
    for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
      int size = 0;
      for (ScopeMetrics scope : resourceMetrics.getScopeMetricsList()) {
        for (Metric metric : scope.getMetricsList()) {
          size += Math.max(1, dataPointCount(metric));
        }
      }
      sizes.add(size);
      total += size;
    }
    metrics.addAll(request.getResourceMetricsList(), sizes);
    return total;
  }

  /**
   * Returns the held metric batches, oldest first, as received.
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @return the {@code resourceMetrics}
   */
  public List<ResourceMetrics> resourceMetrics() {
    return metrics.snapshot();
  }

  /**
   * Returns every held metric with the given name, oldest first.
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @param name the metric name
   * @return the matching metrics, one per export that carried it
   */
  public List<Metric> metricsByName(String name) {
    Objects.requireNonNull(name, "name");
    return resourceMetrics().stream()
        .flatMap(r -> r.getScopeMetricsList().stream())
        .flatMap(s -> s.getMetricsList().stream())
        .filter(m -> m.getName().equals(name))
        .toList();
  }

  /**
   * Returns the number of metric data points held now.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the data point count
   */
  public int dataPointCount() {
    return metrics.total();
  }

  /**
   * Returns how many data points were evicted to respect the data point limit.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the evicted data point count
   */
  public long evictedDataPoints() {
    return metrics.evicted();
  }

  /**
   * Returns the held metrics as one export request.
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @return the metrics as {@code resourceMetrics}
   */
  public ExportMetricsServiceRequest metricsAsRequest() {
    return ExportMetricsServiceRequest.newBuilder()
        .addAllResourceMetrics(resourceMetrics())
        .build();
  }

  static int dataPointCount(Metric metric) {
    return switch (metric.getDataCase()) {
      case GAUGE -> metric.getGauge().getDataPointsCount();
      case SUM -> metric.getSum().getDataPointsCount();
      case HISTOGRAM -> metric.getHistogram().getDataPointsCount();
      case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsCount();
      case SUMMARY -> metric.getSummary().getDataPointsCount();
      case DATA_NOT_SET -> 0;
    };
  }

  // ---------------------------------------------------------------- logs

  /**
   * Stores the log records of an export request, evicting the oldest log batches beyond the log
   * record limit.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @param request the request as received
   * @return the number of log records in the request
   */
  public int addLogs(ExportLogsServiceRequest request) {
    Objects.requireNonNull(request, "request");
    List<Integer> sizes = new ArrayList<>();
    int total = 0;
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      int size = 0;
      for (ScopeLogs scope : resourceLogs.getScopeLogsList()) {
        size += scope.getLogRecordsCount();
      }
      sizes.add(size);
      total += size;
    }
    logs.addAll(request.getResourceLogsList(), sizes);
    return total;
  }

  /**
   * Returns the held log batches, oldest first, as received.
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @return the {@code resourceLogs}
   */
  public List<ResourceLogs> resourceLogs() {
    return logs.snapshot();
  }

  /**
   * Returns the number of log records held now.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the log record count
   */
  public int logRecordCount() {
    return logs.total();
  }

  /**
   * Returns how many log records were evicted to respect the log record limit.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the evicted log record count
   */
  public long evictedLogRecords() {
    return logs.evicted();
  }

  /**
   * Returns the held log records as one export request.
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @return the logs as {@code resourceLogs}
   */
  public ExportLogsServiceRequest logsAsRequest() {
    return ExportLogsServiceRequest.newBuilder().addAllResourceLogs(resourceLogs()).build();
  }

  /**
   * Removes everything held; the received and evicted counters keep their values.
   *
   * <p>Thread-safety: safe to call from any thread.
   */
  public void clear() {
    lock.lock();
    try {
      traces.clear();
      spanCount = 0;
    } finally {
      lock.unlock();
    }
    metrics.clear();
    logs.clear();
  }
}
