package dev.shuttle.receiver;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A bounded, thread-safe in-memory store of received spans (grouped by trace), metrics and logs.
 *
 * {@snippet :
 * TelemetryStore store = receiver.store();
 * store.awaitSpans(3, Duration.ofSeconds(5));
 * StoredTrace trace = store.trace("5b8efff798038103d269b633813fc60c").orElseThrow();
 * }
 *
 * <p><b>Limits.</b> The store holds at most {@link StoreLimits#maxSpans()} spans, {@link
 * StoreLimits#maxDataPoints()} metric data points (each number, histogram, exponential histogram
 * and summary point counts one), {@link StoreLimits#maxLogRecords()} log records, and an estimated
 * {@link StoreLimits#maxBytes()} of heap for all three together; every limit holds when an add
 * returns. Each item's size is estimated once, when it is added: its serialized size plus the
 * overhead of the Java objects that hold it (about 370 bytes for a span without attributes,
 * including the store's bookkeeping, and some 200 more per short string attribute), 5% to 17% above
 * what a heap measurement shows (see {@code SizeEstimator}). Resources and scopes that spans share
 * are stored, and counted, once. Beyond a limit the oldest data goes first:
 *
 * <ul>
 *   <li>spans go as whole traces, oldest first by the arrival of each trace's first span; metrics
 *       and logs go as whole batches ({@code ResourceMetrics}, {@code ResourceLogs}), oldest first.
 *       A count limit evicts from its own signal; the byte limit evicts whichever trace or batch of
 *       any signal arrived first.
 *   <li>the data of the export being added goes last. An export that alone exceeds a limit keeps
 *       its newest spans, data points or log records, newest meaning sent last (later in the
 *       export's resource, scope, metric and point order); the rest are counted as evicted. When
 *       only the traces an export added to remain and a limit is still exceeded, their spans from
 *       earlier exports go, oldest first. So one trace larger than a limit keeps its newest spans.
 *   <li>what was evicted is counted: {@link #evictedTraces()}, {@link #evictedSpans()}, {@link
 *       #evictedDataPoints()}, {@link #evictedLogRecords()} and {@link #evictedBytes()}. Spans
 *       received are held, evicted or cleared: {@code spansReceived() == spanCount() +
 *       evictedSpans()} until {@link #clear()}.
 * </ul>
 *
 * <p><b>Live view.</b> The log records of Shuttle's live export ({@code shuttle.goroutine.running}
 * and {@code shuttle.goroutines.snapshot}, ADR 9, {@code docs/live-view.md}) are kept as logs like
 * any other, and also say what runs now in each process, which {@link #runningNow()} answers; each
 * round replaces the last. That state counts towards {@link StoreLimits#maxBytes()} too, itself at
 * most a quarter of it, and is evicted (whole processes, the one heard from least recently first)
 * only when nothing older is left to evict. At most {@value RunningNow#DEFAULT_MAX_PROCESSES}
 * processes and {@value RunningNow#DEFAULT_MAX_PER_ROUND} goroutines per round are held; a process
 * is dropped {@value RunningNow#GONE_AFTER_INTERVALS} intervals after its last round, by the
 * store's clock.
 *
 * <p>Implementation note (concurrency). One {@link ReentrantLock}, {@code lock}, guards all that is
 * held ({@link StoreContents}: spans, metric and log batches, the live view, the counters). One
 * lock, because the byte limit spans all signals and evicts across them in one arrival order: with
 * a lock per signal, a metrics add that must evict a trace would take two locks, and a span add the
 * other way round. The critical sections are short: flattening an export, estimating its items and
 * trimming it to the limits happen before the lock is taken; under it the store only links the
 * items in and evicts. Whenever {@code lock} is free, every limit holds (see {@link
 * StoreContents}).
 *
 * <p>Each add is linearised at its lock release: queries see all of an export's kept items or none,
 * and never a limit exceeded. {@code spansArrived} is signalled (under the lock) after every span
 * add. Listeners ({@link StoreListeners}) live in copy-on-write lists and are called after the lock
 * is released, so a slow listener never blocks other receivers or queries and may itself query the
 * store. Queries copy under the lock and return immutable snapshots; they scan linearly, which is
 * fine for a debugging store.
 *
 * <p>Thread-safety: all methods are safe to call from any thread, including virtual threads (the
 * lock does not pin carriers). Memory consistency effects: actions in a thread before an add
 * happen-before actions in another thread after a query or {@link #awaitSpans} that sees the add's
 * items.
 */
public final class TelemetryStore {
  private final StoreLimits limits;
  private final InstantSource clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition spansArrived = lock.newCondition();
  private final StoreListeners listeners = new StoreListeners();

  @GuardedBy("lock")
  private final StoreContents contents;

  private TelemetryStore(StoreLimits limits, InstantSource clock) {
    this.limits = limits;
    this.clock = clock;
    this.contents = new StoreContents(limits);
  }

  /**
   * Creates an empty store with the given limits.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @param limits the span, data point, log record and byte limits
   * @return a new store
   */
  public static TelemetryStore create(StoreLimits limits) {
    return create(limits, InstantSource.system());
  }

  /**
   * Creates an empty store with the given limits, whose live view tells the time by {@code clock}:
   * when a round arrived, and so when a process that stopped reporting is gone.
   *
   * <p>Thread-safety: safe to call from any thread; the clock must be thread-safe.
   *
   * @param limits the span, data point, log record and byte limits
   * @param clock the receiver's clock
   * @return a new store
   */
  public static TelemetryStore create(StoreLimits limits, InstantSource clock) {
    return new TelemetryStore(
        Objects.requireNonNull(limits, "limits"), Objects.requireNonNull(clock, "clock"));
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

  /** Runs {@code query} on what is held, under the lock; it must return a snapshot or a value. */
  private <T> T read(Function<StoreContents, T> query) {
    lock.lock();
    try {
      return query.apply(contents);
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- spans

  /**
   * Stores the spans of an export request, evicting the oldest data beyond the limits (see {@link
   * TelemetryStore}), then tells the listeners about all of the request's spans.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @param request the request as received
   * @return the number of spans in the request, including any dropped to respect the limits
   */
  public int addTraces(ExportTraceServiceRequest request) {
    Objects.requireNonNull(request, "request");
    TraceBuffer.Prepared prepared =
        TraceBuffer.prepare(request, limits.maxSpans(), limits.maxBytes());
    List<StoredSpan> arrived = prepared.arrived();
    if (arrived.isEmpty()) {
      return 0;
    }
    lock.lock();
    try {
      contents.addTraces(prepared);
      spansArrived.signalAll();
    } finally {
      lock.unlock();
    }
    listeners.spansStored(List.copyOf(arrived));
    return arrived.size();
  }

  /**
   * Registers a listener told about every span request stored from now on; if it is also a {@link
   * RunningListener}, it is told about the live view's rounds too (as {@link #addRunningListener}).
   *
   * <p>Thread-safety: safe to call from any thread, also from within a listener.
   *
   * @param listener the listener
   */
  public void addListener(SpanListener listener) {
    listeners.addSpans(listener);
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
    return listeners.removeSpans(listener);
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
      while (contents.spansReceived() < count) {
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
    return read(c -> c.trace(id));
  }

  /**
   * Returns every trace held, oldest first (by the arrival of each trace's first span).
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @return the traces
   */
  public List<StoredTrace> traces() {
    return read(c -> List.copyOf(c.traces().snapshot()));
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
    return read(c -> c.traces().spanCount());
  }

  /**
   * Returns the number of traces held now.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the trace count
   */
  public int traceCount() {
    return read(c -> c.traces().traceCount());
  }

  /**
   * Returns the number of spans received since creation, including evicted and cleared ones.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the total received
   */
  public long spansReceived() {
    return read(StoreContents::spansReceived);
  }

  /**
   * Returns how many traces were evicted whole (or lost their last span) to respect the limits.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the evicted trace count
   */
  public long evictedTraces() {
    return read(c -> c.traces().evictedTraces());
  }

  /**
   * Returns how many spans were evicted, or dropped on arrival, to respect the limits.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the evicted span count
   */
  public long evictedSpans() {
    return read(c -> c.traces().evictedSpans());
  }

  /**
   * Returns the estimated heap size of everything held now: spans, metric batches, log batches and
   * the live view's rounds, with the store's own overhead. Never more than {@link
   * StoreLimits#maxBytes()}.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the estimate in bytes
   */
  public long estimatedBytes() {
    return read(StoreContents::estimatedBytes);
  }

  /**
   * Returns the estimated size of everything evicted, or dropped on arrival, to respect the limits:
   * the estimates of those spans, data points and log records.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the evicted estimate in bytes
   */
  public long evictedBytes() {
    return read(StoreContents::evictedBytes);
  }

  /**
   * Returns the held spans regrouped as one export request, oldest trace first.
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @return the spans as {@code resourceSpans}
   */
  public ExportTraceServiceRequest tracesAsRequest() {
    return TraceRegrouping.asRequest(traces());
  }

  // ---------------------------------------------------------------- metrics

  /**
   * Stores the metrics of an export request, evicting the oldest data beyond the limits (see {@link
   * TelemetryStore}): each data point counts one towards {@link StoreLimits#maxDataPoints()}; a
   * request that alone exceeds a limit keeps its newest points.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @param request the request as received
   * @return the number of data points in the request, including any dropped to respect the limits
   */
  public int addMetrics(ExportMetricsServiceRequest request) {
    Objects.requireNonNull(request, "request");
    List<ResourceMetrics> batches = request.getResourceMetricsList();
    int points = 0;
    for (ResourceMetrics batch : batches) {
      points += SizeEstimator.dataPoints(batch);
    }
    if (!batches.isEmpty()) {
      BatchKind.Trimmed<ResourceMetrics> trimmed =
          MetricBatches.INSTANCE.keepNewest(batches, limits.maxDataPoints(), limits.maxBytes());
      lock.lock();
      try {
        contents.addMetrics(trimmed);
      } finally {
        lock.unlock();
      }
      listeners.metricsStored(List.copyOf(batches));
    }
    return points;
  }

  /**
   * Registers a listener told about every metrics request stored from now on (one that carries at
   * least one {@code ResourceMetrics}).
   *
   * <p>Thread-safety: safe to call from any thread, also from within a listener.
   *
   * @param listener the listener
   */
  public void addMetricListener(MetricListener listener) {
    listeners.addMetrics(listener);
  }

  /**
   * Unregisters a metric listener.
   *
   * <p>Thread-safety: safe to call from any thread, also from within a listener.
   *
   * @param listener the listener
   * @return true if it was registered
   */
  public boolean removeMetricListener(MetricListener listener) {
    return listeners.removeMetrics(listener);
  }

  /**
   * Returns the held metric batches, oldest first, as received (or trimmed to their newest points
   * if the request alone exceeded a limit).
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @return the {@code resourceMetrics}
   */
  public List<ResourceMetrics> resourceMetrics() {
    return read(c -> c.metrics().snapshot());
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
   * Returns the number of metric data points held now; each number, histogram, exponential
   * histogram and summary point counts one.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the data point count
   */
  public int dataPointCount() {
    return read(c -> (int) c.metrics().items());
  }

  /**
   * Returns how many data points were evicted, or dropped on arrival, to respect the limits.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the evicted data point count
   */
  public long evictedDataPoints() {
    return read(c -> c.metrics().evictedItems());
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

  // ---------------------------------------------------------------- logs

  /**
   * Stores the log records of an export request, evicting the oldest data beyond the limits (see
   * {@link TelemetryStore}); a request that alone exceeds a limit keeps its newest records.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @param request the request as received
   * @return the number of log records in the request, including any dropped to respect the limits
   */
  public int addLogs(ExportLogsServiceRequest request) {
    Objects.requireNonNull(request, "request");
    List<ResourceLogs> received = request.getResourceLogsList();
    int records = 0;
    for (ResourceLogs batch : received) {
      records += SizeEstimator.logRecords(batch);
    }
    if (received.isEmpty()) {
      return records;
    }
    LiveRecords.Found live = LiveRecords.read(received);
    BatchKind.Trimmed<ResourceLogs> trimmed =
        LogBatches.INSTANCE.keepNewest(received, limits.maxLogRecords(), limits.maxBytes());
    List<RunningProcess> rounds;
    lock.lock();
    try {
      rounds = contents.addLogs(trimmed, live, clock.millis());
    } finally {
      lock.unlock();
    }
    if (!rounds.isEmpty()) {
      listeners.roundsClosed(rounds);
    }
    return records;
  }

  /**
   * Returns the held log batches, oldest first, as received (or trimmed to their newest records if
   * the request alone exceeded a limit).
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @return the {@code resourceLogs}
   */
  public List<ResourceLogs> resourceLogs() {
    return read(c -> c.logs().snapshot());
  }

  /**
   * Returns the number of log records held now.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the log record count
   */
  public int logRecordCount() {
    return read(c -> (int) c.logs().items());
  }

  /**
   * Returns how many log records were evicted, or dropped on arrival, to respect the limits.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the evicted log record count
   */
  public long evictedLogRecords() {
    return read(c -> c.logs().evictedItems());
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

  // ---------------------------------------------------------------- live view

  /**
   * Registers a listener told whenever an export closes rounds of the live view.
   *
   * <p>Thread-safety: safe to call from any thread, also from within a listener.
   *
   * @param listener the listener
   */
  public void addRunningListener(RunningListener listener) {
    listeners.addRunning(listener);
  }

  /**
   * Unregisters a running listener.
   *
   * <p>Thread-safety: safe to call from any thread, also from within a listener.
   *
   * @param listener the listener
   * @return true if it was registered
   */
  public boolean removeRunningListener(RunningListener listener) {
    return listeners.removeRunning(listener);
  }

  /**
   * Returns what each Shuttle process reported running in its last round of the live export, oldest
   * process first; processes that are gone (silent for three of their intervals) are left out. A
   * goroutine whose own span has arrived since is left out of its round (it has ended, or is about
   * to), though the round's counts stay as reported.
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @return the processes' rounds
   */
  public List<RunningProcess> runningNow() {
    long now = clock.millis();
    return read(c -> c.runningNow(now));
  }

  /**
   * Returns the goroutines of {@link #runningNow()} that run in one trace.
   *
   * <p>Thread-safety: safe to call from any thread; returns a snapshot.
   *
   * @param traceId the trace id in hex (upper or lower case)
   * @return the goroutines, by process then arrival
   */
  public List<RunningGoroutine> runningInTrace(String traceId) {
    String id = Objects.requireNonNull(traceId, "traceId").toLowerCase(Locale.ROOT);
    List<RunningGoroutine> out = new ArrayList<>();
    for (RunningProcess round : runningNow()) {
      for (RunningGoroutine g : round.goroutines()) {
        if (g.traceId().equals(id)) {
          out.add(g);
        }
      }
    }
    return out;
  }

  /**
   * Returns how many live records were dropped: malformed, beyond the caps on goroutines per round
   * or bytes, or of a process beyond the cap on processes.
   *
   * <p>Thread-safety: safe to call from any thread.
   *
   * @return the dropped record count
   */
  public long droppedLiveRecords() {
    return read(StoreContents::droppedLiveRecords);
  }

  /**
   * Removes everything held; the received and evicted counters keep their values.
   *
   * <p>Thread-safety: safe to call from any thread.
   */
  public void clear() {
    lock.lock();
    try {
      contents.clear();
    } finally {
      lock.unlock();
    }
  }
}
