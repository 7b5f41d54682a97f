package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TelemetryStoreTest {

  private static String traceId(int i) {
    return String.format("%032x", i + 1);
  }

  private static String spanId(int trace, int span) {
    return String.format("%08x%08x", trace + 1, span + 1);
  }

  /** One request holding {@code spans} spans of trace {@code trace}. */
  private static ExportTraceServiceRequest trace(int trace, int spans) {
    String[] ids = new String[spans];
    for (int s = 0; s < spans; s++) {
      ids[s] = spanId(trace, s);
    }
    return HttpReceiverTest.traces(traceId(trace), ids);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 10, 100})
  void beyondTheSpanLimitTheOldestTracesGoAndAreCounted(int limit) {
    // given a store holding at most `limit` spans
    TelemetryStore store = TelemetryStore.create(new StoreLimits(limit, 10, 10));

    // when 2*limit+1 one-span traces arrive
    int traces = 2 * limit + 1;
    for (int t = 0; t < traces; t++) {
      store.addTraces(trace(t, 1));
    }

    // then the newest `limit` traces remain, the rest were evicted oldest first
    assertThat(store.spanCount()).isEqualTo(limit);
    assertThat(store.evictedTraces()).isEqualTo(traces - limit);
    assertThat(store.evictedSpans()).isEqualTo(traces - limit);
    assertThat(store.spansReceived()).isEqualTo(traces);
    List<String> expected = new ArrayList<>();
    for (int t = traces - limit; t < traces; t++) {
      expected.add(traceId(t));
    }
    assertThat(store.traces()).extracting(StoredTrace::traceId).containsExactlyElementsOf(expected);
    assertThat(store.trace(traceId(0))).isEmpty();
  }

  @Test
  void evictionRemovesWholeTraces() {
    TelemetryStore store = TelemetryStore.create(new StoreLimits(5, 10, 10));
    store.addTraces(trace(0, 3));
    store.addTraces(trace(1, 2));

    store.addTraces(trace(2, 1)); // 6 > 5: trace 0 (3 spans) goes

    assertThat(store.traces())
        .extracting(StoredTrace::traceId)
        .containsExactly(traceId(1), traceId(2));
    assertThat(store.spanCount()).isEqualTo(3);
    assertThat(store.evictedTraces()).isEqualTo(1);
    assertThat(store.evictedSpans()).isEqualTo(3);
  }

  @Test
  void spansOfOneTraceAcrossRequestsAreGrouped() {
    TelemetryStore store = TelemetryStore.create();
    store.addTraces(HttpReceiverTest.traces(traceId(7), spanId(7, 0)));
    store.addTraces(HttpReceiverTest.traces(traceId(8), spanId(8, 0)));
    store.addTraces(HttpReceiverTest.traces(traceId(7), spanId(7, 1)));

    assertThat(store.traceCount()).isEqualTo(2);
    assertThat(store.trace(traceId(7).toUpperCase(java.util.Locale.ROOT)).orElseThrow().spans())
        .extracting(StoredSpan::spanId)
        .containsExactly(spanId(7, 0), spanId(7, 1));
    assertThat(store.spansByName("span-" + spanId(8, 0))).hasSize(1);
    assertThat(store.tracesByService("raw")).hasSize(2);
    assertThatThrownBy(() -> store.trace("xyz")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void metricAndLogLimitsEvictTheOldestBatches() {
    TelemetryStore store = TelemetryStore.create(new StoreLimits(10, 3, 2));
    for (int i = 0; i < 5; i++) {
      store.addMetrics(
          ExportMetricsServiceRequest.newBuilder()
              .addResourceMetrics(
                  ResourceMetrics.newBuilder()
                      .addScopeMetrics(
                          ScopeMetrics.newBuilder()
                              .addMetrics(
                                  Metric.newBuilder()
                                      .setName("m" + i)
                                      .setGauge(
                                          Gauge.newBuilder()
                                              .addDataPoints(
                                                  NumberDataPoint.newBuilder().setAsInt(i))))))
              .build());
      store.addLogs(
          ExportLogsServiceRequest.newBuilder()
              .addResourceLogs(
                  ResourceLogs.newBuilder()
                      .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder())))
              .build());
    }

    assertThat(store.dataPointCount()).isEqualTo(3);
    assertThat(store.evictedDataPoints()).isEqualTo(2);
    assertThat(store.metricsByName("m0")).isEmpty();
    assertThat(store.metricsByName("m4")).hasSize(1);
    assertThat(store.logRecordCount()).isEqualTo(2);
    assertThat(store.evictedLogRecords()).isEqualTo(3);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void awaitSpansTimesOutThenSucceedsWhenSpansArrive() throws Exception {
    TelemetryStore store = TelemetryStore.create();
    assertThat(store.awaitSpans(1, Duration.ofMillis(50))).isFalse();

    CountDownLatch waiting = new CountDownLatch(1);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Boolean> waiter =
          executor.submit(
              () -> {
                waiting.countDown();
                return store.awaitSpans(3, Duration.ofSeconds(5));
              });
      waiting.await();
      store.addTraces(trace(0, 2));
      store.addTraces(trace(1, 1));
      assertThat(waiter.get(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void listenersAreToldAndMayQueryTheStore() {
    TelemetryStore store = TelemetryStore.create();
    List<Integer> seen = new ArrayList<>();
    SpanListener listener = spans -> seen.add(spans.size() * 100 + store.spanCount());
    store.addListener(
        spans -> {
          throw new IllegalStateException("a failing listener is ignored");
        });
    store.addListener(listener);

    store.addTraces(trace(0, 2));
    assertThat(store.removeListener(listener)).isTrue();
    store.addTraces(trace(1, 1));

    assertThat(seen).containsExactly(202);
    assertThat(store.spanCount()).isEqualTo(3);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void concurrentWritersLoseAndDuplicateNothing() throws Exception {
    int writers = System.getenv("CI") == null ? 8 : 32;
    int tracesPerWriter = 200;
    TelemetryStore store = TelemetryStore.create();
    Set<String> listened = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    store.addListener(
        spans ->
            spans.forEach(
                s -> {
                  if (!listened.add(s.spanId())) {
                    duplicates.incrementAndGet();
                  }
                }));
    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < writers; w++) {
        int writer = w;
        executor.submit(
            () -> {
              start.await();
              for (int t = 0; t < tracesPerWriter; t++) {
                store.addTraces(trace(writer * tracesPerWriter + t, 2));
              }
              return null;
            });
      }
      start.countDown();
      assertThat(store.awaitSpans(2L * writers * tracesPerWriter, Duration.ofSeconds(30))).isTrue();
    }

    int expected = writers * tracesPerWriter * 2;
    assertThat(store.spanCount()).isEqualTo(expected);
    assertThat(store.traceCount()).isEqualTo(writers * tracesPerWriter);
    Set<String> stored = new HashSet<>();
    store.traces().forEach(t -> t.spans().forEach(s -> stored.add(s.spanId())));
    assertThat(stored).hasSize(expected);
    assertThat(listened).isEqualTo(stored);
    assertThat(duplicates).hasValue(0);
  }

  // ------------------------------------------------ an export or trace larger than a limit

  @Test
  void aTraceLargerThanTheSpanLimitKeepsItsNewestSpans() {
    // given a store of at most 5 spans, holding another trace
    TelemetryStore store = TelemetryStore.create(new StoreLimits(5, 10, 10));
    store.addTraces(TestTelemetry.spans("a", 0, 0, 1, 0));

    // when one export brings 12 spans of one trace
    store.addTraces(TestTelemetry.spans("a", 1, 0, 12, 0));

    // then the trace keeps its 5 newest spans (sent last) and the store nothing else
    assertThat(TestTelemetry.heldSpanIds(store, 1))
        .containsExactly(spanId(1, 7), spanId(1, 8), spanId(1, 9), spanId(1, 10), spanId(1, 11));
    assertThat(store.traces()).extracting(StoredTrace::traceId).containsExactly(traceId(1));
    assertThat(store.evictedSpans()).isEqualTo(7 + 1);
    assertThat(store.evictedTraces()).isEqualTo(1);
    assertThat(store.spansReceived()).isEqualTo(store.spanCount() + store.evictedSpans());
  }

  @Test
  void newestMeansSentLastWithinAnExport() {
    // given a store of at most 3 spans
    TelemetryStore store = TelemetryStore.create(new StoreLimits(3, 10, 10));

    // when one export interleaves the spans of traces 0 and 1: a0 b0 a1 b1 a2 b2
    var request = ExportTraceServiceRequest.newBuilder();
    var scope = request.addResourceSpansBuilder().addScopeSpansBuilder();
    for (int s = 0; s < 3; s++) {
      scope.addSpans(TestTelemetry.span(0, s, 0)).addSpans(TestTelemetry.span(1, s, 0));
    }
    assertThat(store.addTraces(request.build())).isEqualTo(6);

    // then the last three sent are kept: b1, a2, b2
    assertThat(TestTelemetry.heldSpanIds(store, 0)).containsExactly(spanId(0, 2));
    assertThat(TestTelemetry.heldSpanIds(store, 1)).containsExactly(spanId(1, 1), spanId(1, 2));
    assertThat(store.evictedSpans()).isEqualTo(3);
  }

  @Test
  void aTraceGrowingBeyondTheSpanLimitAcrossExportsDropsItsOldestSpans() {
    // given a store of at most 5 spans holding 3 spans of trace 0
    TelemetryStore store = TelemetryStore.create(new StoreLimits(5, 10, 10));
    store.addTraces(TestTelemetry.spans("a", 0, 0, 3, 0));

    // when 4 more spans of the same trace arrive
    store.addTraces(TestTelemetry.spans("a", 0, 3, 4, 0));

    // then its two oldest spans went, and the trace stays
    assertThat(TestTelemetry.heldSpanIds(store, 0))
        .containsExactly(spanId(0, 2), spanId(0, 3), spanId(0, 4), spanId(0, 5), spanId(0, 6));
    assertThat(store.evictedSpans()).isEqualTo(2);
    assertThat(store.evictedTraces()).isZero();
  }

  @Test
  void otherTracesGoBeforeTheTraceJustAddedTo() {
    // given a store of at most 4 spans: trace 0 (oldest, 2 spans), trace 1 (2 spans)
    TelemetryStore store = TelemetryStore.create(new StoreLimits(4, 10, 10));
    store.addTraces(TestTelemetry.spans("a", 0, 0, 2, 0));
    store.addTraces(TestTelemetry.spans("a", 1, 0, 2, 0));

    // when trace 0, the oldest, receives a span
    store.addTraces(TestTelemetry.spans("a", 0, 2, 1, 0));

    // then trace 1 goes whole, though newer, as trace 0 is the one being added to
    assertThat(store.traces()).extracting(StoredTrace::traceId).containsExactly(traceId(0));
    assertThat(TestTelemetry.heldSpanIds(store, 0)).hasSize(3);
    assertThat(store.evictedTraces()).isEqualTo(1);
  }

  // ------------------------------------------------ metrics and logs, per point and per record

  @Test
  void dataPointsAreCountedOneByOne() {
    // given a store with the default limits
    TelemetryStore store = TelemetryStore.create();

    // when one batch brings a gauge of 10,000 points and other kinds of points
    int added =
        store.addMetrics(
            TestTelemetry.metrics(
                TestTelemetry.gaugeBatch("a", "big", 0, 10_000),
                ResourceMetrics.newBuilder()
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("h")
                                    .setHistogram(
                                        Histogram.newBuilder()
                                            .addDataPoints(HistogramDataPoint.getDefaultInstance())
                                            .addDataPoints(
                                                HistogramDataPoint.getDefaultInstance())))
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("e")
                                    .setExponentialHistogram(
                                        ExponentialHistogram.newBuilder()
                                            .addDataPoints(
                                                ExponentialHistogramDataPoint
                                                    .getDefaultInstance())))
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("s")
                                    .setSummary(
                                        Summary.newBuilder()
                                            .addDataPoints(SummaryDataPoint.getDefaultInstance())
                                            .addDataPoints(SummaryDataPoint.getDefaultInstance())
                                            .addDataPoints(SummaryDataPoint.getDefaultInstance())))
                            .addMetrics(Metric.newBuilder().setName("no data")))
                    .build()));

    // then each point counts one, and a metric without data none
    assertThat(added).isEqualTo(10_006);
    assertThat(store.dataPointCount()).isEqualTo(10_006);
    assertThat(store.evictedDataPoints()).isZero();
  }

  @Test
  void aMetricBatchBeyondThePointLimitKeepsItsNewestPoints() {
    // given a store of at most 1,000 data points holding an older batch
    TelemetryStore store = TelemetryStore.create(new StoreLimits(10, 1_000, 10));
    store.addMetrics(TestTelemetry.metrics(TestTelemetry.gaugeBatch("a", "old", 0, 10)));

    // when one batch brings 10,000 points
    store.addMetrics(TestTelemetry.metrics(TestTelemetry.gaugeBatch("a", "big", 0, 10_000)));

    // then the newest 1,000 are held (values 9,000 to 9,999), the rest counted as evicted
    assertThat(store.dataPointCount()).isEqualTo(1_000);
    assertThat(TestTelemetry.heldGaugeValues(store, "big"))
        .containsExactlyElementsOf(LongStream.range(9_000, 10_000).boxed().toList());
    assertThat(store.metricsByName("old")).isEmpty();
    assertThat(store.evictedDataPoints()).isEqualTo(9_000 + 10);
  }

  @Test
  void pointsAreTrimmedInTheOrderSentAcrossMetricsAndBatches() {
    // given a store of at most 1,000 data points
    TelemetryStore store = TelemetryStore.create(new StoreLimits(10, 1_000, 10));

    // when one export brings batches of 500, 400 and 300 points
    store.addMetrics(
        TestTelemetry.metrics(
            TestTelemetry.gaugeBatch("a", "first", 0, 500),
            TestTelemetry.gaugeBatch("a", "second", 0, 400),
            TestTelemetry.gaugeBatch("a", "third", 0, 300)));

    // then the first batch keeps its last 300 points, the others all theirs
    assertThat(TestTelemetry.heldGaugeValues(store, "first"))
        .containsExactlyElementsOf(LongStream.range(200, 500).boxed().toList());
    assertThat(TestTelemetry.heldGaugeValues(store, "second")).hasSize(400);
    assertThat(TestTelemetry.heldGaugeValues(store, "third")).hasSize(300);
    assertThat(store.evictedDataPoints()).isEqualTo(200);
  }

  @Test
  void aLogBatchBeyondTheRecordLimitKeepsItsNewestRecords() {
    // given a store of at most 10 log records
    TelemetryStore store = TelemetryStore.create(new StoreLimits(10, 10, 10));

    // when one batch brings 50 records
    assertThat(store.addLogs(TestTelemetry.logs("a", 0, 50))).isEqualTo(50);

    // then the newest 10 are held
    assertThat(TestTelemetry.heldLogBodies(store))
        .containsExactlyElementsOf(IntStream.range(40, 50).mapToObj(i -> "record-" + i).toList());
    assertThat(store.logRecordCount()).isEqualTo(10);
    assertThat(store.evictedLogRecords()).isEqualTo(40);
  }

  @Test
  void clearRemovesEverythingAndKeepsTheCounters() {
    TelemetryStore store = TelemetryStore.create(new StoreLimits(2, 2, 2));
    store.addTraces(TestTelemetry.spans("a", 0, 0, 3, 0));
    store.addMetrics(TestTelemetry.metrics(TestTelemetry.gaugeBatch("a", "g", 0, 3)));
    store.addLogs(TestTelemetry.logs("a", 0, 3));

    store.clear();

    assertThat(store.spanCount()).isZero();
    assertThat(store.dataPointCount()).isZero();
    assertThat(store.logRecordCount()).isZero();
    assertThat(store.estimatedBytes()).isZero();
    assertThat(store.spansReceived()).isEqualTo(3);
    assertThat(store.evictedSpans()).isEqualTo(1);
    assertThat(store.evictedDataPoints()).isEqualTo(1);
    assertThat(store.evictedLogRecords()).isEqualTo(1);
  }

  // ------------------------------------------------ concurrency under eviction

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void concurrentAddsAndReadsUnderEvictionLoseAndDuplicateNothing() throws Exception {
    // given a store small enough in spans and bytes that writers keep evicting
    int writers = System.getenv("CI") == null ? 6 : 24;
    int exportsPerWriter = 300;
    StoreLimits limits = new StoreLimits(500, 2_000, 2_000, 512 * 1024);
    TelemetryStore store = TelemetryStore.create(limits);
    Set<String> listened = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    store.addListener(
        spans ->
            spans.forEach(
                s -> {
                  if (!listened.add(s.spanId())) {
                    duplicates.incrementAndGet();
                  }
                }));
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger readerViolations = new AtomicInteger();
    AtomicInteger reads = new AtomicInteger();
    AtomicLong spansSent = new AtomicLong();
    AtomicLong pointsSent = new AtomicLong();
    AtomicLong recordsSent = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);

    // when writers add spans (of fresh traces, and of one trace each keeps growing), metrics and
    // logs, while readers query
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> writes = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        writes.add(
            executor.submit(
                () -> {
                  start.await();
                  Random random = new Random(writer);
                  int growing = 1_000_000 + writer;
                  for (int e = 0; e < exportsPerWriter; e++) {
                    int trace = writer * exportsPerWriter + e;
                    int spans = 1 + random.nextInt(5);
                    store.addTraces(TestTelemetry.spans("w" + writer, trace, 0, spans, 100));
                    store.addTraces(TestTelemetry.spans("w" + writer, growing, 10 * e, 2, 10));
                    spansSent.addAndGet(spans + 2);
                    int points = 1 + random.nextInt(20);
                    store.addMetrics(
                        TestTelemetry.metrics(
                            TestTelemetry.gaugeBatch("w" + writer, "g" + writer, e, points)));
                    pointsSent.addAndGet(points);
                    int records = 1 + random.nextInt(20);
                    store.addLogs(TestTelemetry.logs("w" + writer, e, records));
                    recordsSent.addAndGet(records);
                  }
                  return null;
                }));
      }
      for (int r = 0; r < 2; r++) {
        executor.submit(
            () -> {
              start.await();
              while (writing.get()) {
                Set<String> seen = new HashSet<>();
                for (StoredTrace trace : store.traces()) {
                  for (StoredSpan span : trace.spans()) {
                    if (!seen.add(span.spanId())) {
                      readerViolations.incrementAndGet();
                    }
                  }
                }
                if (seen.size() > limits.maxSpans()
                    || store.estimatedBytes() > limits.maxBytes()
                    || store.dataPointCount() > limits.maxDataPoints()
                    || store.logRecordCount() > limits.maxLogRecords()) {
                  readerViolations.incrementAndGet();
                }
                reads.incrementAndGet();
              }
              return null;
            });
      }
      start.countDown();
      for (Future<?> write : writes) {
        write.get();
      }
      writing.set(false);
    }

    // then every span sent is held or evicted, none twice; listeners saw each once
    long sent = spansSent.get();
    assertThat(listened).hasSize((int) sent);
    assertThat(duplicates).hasValue(0);
    assertThat(readerViolations).hasValue(0);
    assertThat(reads.get()).isPositive();
    assertThat(store.spansReceived()).isEqualTo(sent);
    assertThat(store.spanCount() + store.evictedSpans()).isEqualTo(sent);
    Set<String> held = new HashSet<>();
    store.traces().forEach(t -> t.spans().forEach(s -> held.add(s.spanId())));
    assertThat(held).hasSize(store.spanCount()).isSubsetOf(listened);
    assertThat(store.dataPointCount() + store.evictedDataPoints()).isEqualTo(pointsSent.get());
    assertThat(store.logRecordCount() + store.evictedLogRecords()).isEqualTo(recordsSent.get());
    assertThat(store.estimatedBytes()).isLessThanOrEqualTo(limits.maxBytes());
    assertThat(store.evictedBytes()).isPositive();
  }
}
