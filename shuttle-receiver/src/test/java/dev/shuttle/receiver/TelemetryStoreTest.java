package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
}
