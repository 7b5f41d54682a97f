package dev.shuttle.receiver;

import static dev.shuttle.receiver.TestTelemetry.spanId;
import static dev.shuttle.receiver.TestTelemetry.traceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The byte limit of {@link TelemetryStore}: bound, eviction order, exports larger than it. */
class TelemetryStoreBytesTest {
  private static final int MANY = 100_000;

  private static StoreLimits bytes(long maxBytes) {
    return new StoreLimits(MANY, MANY, MANY, maxBytes);
  }

  @Test
  void theByteLimitHoldsAfterEveryAddOfManyExports() {
    // given a 256 KiB store
    StoreLimits limits = bytes(256 * 1024);
    TelemetryStore store = TelemetryStore.create(limits);
    Random random = new Random(7);
    long spansSent = 0;
    long pointsSent = 0;
    long recordsSent = 0;

    // when 3,000 exports of random signal and size arrive, some adding to older traces
    for (int i = 0; i < 3_000; i++) {
      String service = "s" + random.nextInt(5);
      switch (random.nextInt(3)) {
        case 0 -> {
          int spans = 1 + random.nextInt(30);
          int trace = random.nextInt(4) == 0 ? random.nextInt(Math.max(1, i)) : i;
          store.addTraces(
              TestTelemetry.spans(service, trace, 1_000 * i, spans, random.nextInt(4_000)));
          spansSent += spans;
        }
        case 1 -> {
          int points = 1 + random.nextInt(300);
          store.addMetrics(
              TestTelemetry.metrics(TestTelemetry.gaugeBatch(service, "m" + i, 0, points)));
          pointsSent += points;
        }
        default -> {
          int records = 1 + random.nextInt(100);
          store.addLogs(TestTelemetry.logs(service, 0, records));
          recordsSent += records;
        }
      }

      // then after each add, the items' estimates sum to no more than the store's estimate,
      // which is within the limit, and every item is held or counted as evicted
      long sum = TestTelemetry.sumOfItemEstimates(store);
      assertThat(sum).as("after add %d", i).isLessThanOrEqualTo(store.estimatedBytes());
      assertThat(store.estimatedBytes())
          .as("after add %d", i)
          .isLessThanOrEqualTo(limits.maxBytes());
      assertThat(store.spanCount() + store.evictedSpans()).isEqualTo(spansSent);
      assertThat(store.dataPointCount() + store.evictedDataPoints()).isEqualTo(pointsSent);
      assertThat(store.logRecordCount() + store.evictedLogRecords()).isEqualTo(recordsSent);
    }
    assertThat(store.evictedBytes()).isGreaterThan(10L * limits.maxBytes());
    assertThat(store.estimatedBytes()).isGreaterThan(limits.maxBytes() / 2);
  }

  @Test
  void theByteLimitEvictsWhateverArrivedFirstAcrossSignals() {
    // given six exports: traces A, metrics M, trace B, logs L, trace C, and a large trace D
    List<Consumer<TelemetryStore>> exports =
        List.of(
            s -> s.addTraces(TestTelemetry.spans("A", 0, 0, 3, 200)),
            s -> s.addMetrics(TestTelemetry.metrics(TestTelemetry.gaugeBatch("M", "m", 0, 20))),
            s -> s.addTraces(TestTelemetry.spans("B", 1, 0, 3, 200)),
            s -> s.addLogs(TestTelemetry.logs("L", 0, 20)),
            s -> s.addTraces(TestTelemetry.spans("C", 2, 0, 3, 200)),
            s -> s.addTraces(TestTelemetry.spans("D", 3, 0, 3, 4_000)));
    // and what each adds to the estimate, measured on a store without a limit
    TelemetryStore unbounded = TelemetryStore.create(bytes(Long.MAX_VALUE));
    List<Long> added = new ArrayList<>();
    for (Consumer<TelemetryStore> export : exports) {
      long before = unbounded.estimatedBytes();
      export.accept(unbounded);
      added.add(unbounded.estimatedBytes() - before);
    }
    long all = unbounded.estimatedBytes();
    // and a store with room for all but A and M
    long limit = all - added.get(0) - added.get(1);
    assertThat(added.get(5)).isGreaterThan(added.get(0) + added.get(1));
    TelemetryStore store = TelemetryStore.create(bytes(limit));

    // when the six arrive
    exports.forEach(export -> export.accept(store));

    // then A and M, the two that arrived first, went; B, L, C and D fill the store exactly
    assertThat(store.traces())
        .extracting(StoredTrace::traceId)
        .containsExactly(traceId(1), traceId(2), traceId(3));
    assertThat(store.metricsByName("m")).isEmpty();
    assertThat(store.logRecordCount()).isEqualTo(20);
    assertThat(store.estimatedBytes()).isEqualTo(limit);
    assertThat(store.evictedTraces()).isEqualTo(1);
    assertThat(store.evictedDataPoints()).isEqualTo(20);
    assertThat(store.evictedLogRecords()).isZero();
  }

  @Test
  void aTraceLargerThanTheByteLimitKeepsItsNewestSpans() {
    // given a 64 KiB store
    StoreLimits limits = bytes(64 * 1024);
    TelemetryStore store = TelemetryStore.create(limits);

    // when one export brings 100 spans of 2 KiB each, all of one trace
    store.addTraces(TestTelemetry.spans("a", 1, 0, 100, 2_048));

    // then the trace keeps its newest spans, as many as fit
    List<String> held = TestTelemetry.heldSpanIds(store, 1);
    int kept = held.size();
    assertThat(kept).isBetween(10, 30);
    assertThat(held)
        .containsExactlyElementsOf(
            IntStream.range(100 - kept, 100).mapToObj(s -> spanId(1, s)).toList());
    assertThat(store.estimatedBytes()).isLessThanOrEqualTo(limits.maxBytes());
    assertThat(store.evictedSpans()).isEqualTo(100 - kept);
    assertThat(store.evictedBytes()).isGreaterThan((100L - kept) * 2_048);
  }

  @Test
  void aTraceGrowingBeyondTheByteLimitAcrossExportsDropsItsOldestSpans() {
    // given a 64 KiB store
    StoreLimits limits = bytes(64 * 1024);
    TelemetryStore store = TelemetryStore.create(limits);

    // when one trace grows by ten exports of five 2 KiB spans
    for (int e = 0; e < 10; e++) {
      store.addTraces(TestTelemetry.spans("a", 0, 5 * e, 5, 2_048));
      assertThat(store.estimatedBytes()).isLessThanOrEqualTo(limits.maxBytes());
    }

    // then the trace holds its newest spans, the oldest were dropped
    List<String> held = TestTelemetry.heldSpanIds(store, 0);
    assertThat(held.size()).isBetween(10, 30);
    assertThat(held)
        .containsExactlyElementsOf(
            IntStream.range(50 - held.size(), 50).mapToObj(s -> spanId(0, s)).toList());
    assertThat(store.evictedSpans()).isEqualTo(50 - held.size());
    assertThat(store.evictedTraces()).isZero();
  }

  @Test
  void aSpanLargerThanTheWholeByteLimitIsDroppedAndCounted() {
    // given a 16 KiB store holding a small trace, and a listener
    TelemetryStore store = TelemetryStore.create(bytes(16 * 1024));
    store.addTraces(TestTelemetry.spans("a", 0, 0, 1, 0));
    List<String> told = new ArrayList<>();
    store.addListener(spans -> spans.forEach(s -> told.add(s.spanId())));

    // when a span of 64 KiB arrives
    int added = store.addTraces(TestTelemetry.spans("a", 1, 0, 1, 64 * 1024));

    // then it is not held but counted, the listener told, and the other trace kept
    assertThat(added).isEqualTo(1);
    assertThat(told).containsExactly(spanId(1, 0));
    assertThat(store.trace(traceId(1))).isEmpty();
    assertThat(store.trace(traceId(0))).isPresent();
    assertThat(store.evictedSpans()).isEqualTo(1);
    assertThat(store.evictedBytes()).isGreaterThan(64 * 1024);
    assertThat(store.spansReceived()).isEqualTo(2);
  }

  @Test
  void aMetricBatchLargerThanTheByteLimitKeepsItsNewestPoints() {
    // given a 64 KiB store
    StoreLimits limits = bytes(64 * 1024);
    TelemetryStore store = TelemetryStore.create(limits);

    // when one batch brings 10,000 points
    store.addMetrics(TestTelemetry.metrics(TestTelemetry.gaugeBatch("a", "big", 0, 10_000)));

    // then the newest points that fit are held, the rest counted as evicted
    List<Long> held = TestTelemetry.heldGaugeValues(store, "big");
    assertThat(held.size()).isBetween(100, 1_000);
    assertThat(held)
        .containsExactlyElementsOf(LongStream.range(10_000 - held.size(), 10_000).boxed().toList());
    assertThat(store.evictedDataPoints()).isEqualTo(10_000 - held.size());
    assertThat(store.estimatedBytes()).isLessThanOrEqualTo(limits.maxBytes());
  }

  @Test
  void aResourceSharedByManyExportsIsStoredAndCountedOnce() {
    // given exports from one service whose resource has 20 long attributes
    Resource.Builder resource = TestTelemetry.resource("shared").toBuilder();
    for (int i = 0; i < 20; i++) {
      resource.addAttributes(
          KeyValue.newBuilder()
              .setKey("attribute." + i)
              .setValue(AnyValue.newBuilder().setStringValue("v".repeat(100))));
    }
    TelemetryStore store = TelemetryStore.create();
    List<Long> added = new ArrayList<>();

    // when ten exports of one span each arrive, each parsed into its own resource object
    for (int t = 0; t < 10; t++) {
      ExportTraceServiceRequest export = TestTelemetry.spans("shared", t, 0, 1, 0);
      ResourceSpans resourceSpans =
          export.getResourceSpans(0).toBuilder().setResource(resource.build()).build();
      long before = store.estimatedBytes();
      store.addTraces(
          ExportTraceServiceRequest.newBuilder().addResourceSpans(resourceSpans).build());
      added.add(store.estimatedBytes() - before);
    }

    // then only the first export pays for the resource, and all spans share one instance
    long resourceEstimate = SizeEstimator.part(resource.build(), "");
    assertThat(added.get(0) - added.get(1)).isGreaterThan(resourceEstimate);
    assertThat(added.subList(1, 10)).containsOnly(added.get(1));
    List<StoredSpan> spans = store.traces().stream().flatMap(t -> t.spans().stream()).toList();
    assertThat(spans).allSatisfy(s -> assertThat(s.resource()).isSameAs(spans.get(0).resource()));
  }
}
