package dev.shuttle.receiver;

import static dev.shuttle.receiver.LiveExports.T0;
import static dev.shuttle.receiver.LiveExports.export;
import static dev.shuttle.receiver.LiveExports.goroutine;
import static dev.shuttle.receiver.LiveExports.resource;
import static dev.shuttle.receiver.LiveExports.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The live view's state in the store: rounds replace each other when their closing record arrives,
 * across several exports; incomplete rounds; processes gone after three intervals of the store's
 * clock; goroutines hidden once their own span arrived; and the bounds.
 */
class RunningNowTest {
  private static final String TRACE = "5b8efff798038103d269b633813fc60c";
  private static final String ROOT_SPAN = "1111111111111111";
  private static final String OWN_SPAN = "2222222222222222";
  private static final Resource SHOP = resource("shop", "shop-1");

  private final AtomicLong nowMillis = new AtomicLong(1_000_000);
  private final InstantSource clock = () -> Instant.ofEpochMilli(nowMillis.get());
  private final TelemetryStore store = TelemetryStore.create(StoreLimits.defaults(), clock);

  @Test
  void aRoundInOneExportIsWhatRunsNow() {
    // given: a round of two goroutines, one blocked under an own span
    store.addLogs(
        export(
            SHOP,
            goroutine(1, 41)
                .owner("pool images")
                .blocked("chan send on jobs (len 10, cap 10)", "chan send", 2_100_000_000L)
                .ownSpan(TRACE, OWN_SPAN, "resize", ROOT_SPAN)
                .build(),
            goroutine(1, 42).owner("errgroup fetch").in(TRACE, ROOT_SPAN).build(),
            snapshot(1, 2, 1, 1000)));

    // when
    List<RunningProcess> now = store.runningNow();

    // then: the process, its round and both goroutines with every field
    assertThat(now).hasSize(1);
    RunningProcess shop = now.getFirst();
    assertThat(shop.serviceName()).isEqualTo("shop");
    assertThat(shop.instanceId()).isEqualTo("shop-1");
    assertThat(shop.resource()).containsEntry("service.name", "shop");
    assertThat(shop.round()).isEqualTo(1);
    assertThat(shop.timeUnixNanos()).isEqualTo(T0 + 1_000_000_000L);
    assertThat(shop.receivedUnixMillis()).isEqualTo(1_000_000);
    assertThat(shop.intervalMillis()).isEqualTo(1000);
    assertThat(shop.expectedCount()).isEqualTo(2);
    assertThat(shop.blockedCount()).isEqualTo(1);
    assertThat(shop.complete()).isTrue();
    assertThat(shop.goroutines()).extracting(RunningGoroutine::id).containsExactly(41L, 42L);
    RunningGoroutine blocked = shop.goroutines().getFirst();
    assertThat(blocked.name()).isEqualTo("shuttle-go-41");
    assertThat(blocked.owner()).isEqualTo("pool images");
    assertThat(blocked.blocked()).isTrue();
    assertThat(blocked.blockedOn()).isEqualTo("chan send on jobs (len 10, cap 10)");
    assertThat(blocked.blockedOnKind()).isEqualTo("chan send");
    assertThat(blocked.blockedForNanos()).isEqualTo(2_100_000_000L);
    assertThat(blocked.startedAtUnixNanos()).isEqualTo(T0 - 5_000_000_000L);
    assertThat(blocked.traceId()).isEqualTo(TRACE);
    assertThat(blocked.spanId()).isEqualTo(OWN_SPAN);
    assertThat(blocked.spanName()).isEqualTo("resize");
    assertThat(blocked.parentSpanId()).isEqualTo(ROOT_SPAN);
    assertThat(blocked.hasOwnSpan()).isTrue();
    assertThat(blocked.placedUnderSpanId()).isEqualTo(ROOT_SPAN);
    assertThat(blocked.body()).isEqualTo("goroutine 41 \"shuttle-go-41\" [round 1]");
    RunningGoroutine running = shop.goroutines().get(1);
    assertThat(running.state()).isEqualTo("running");
    assertThat(running.blockedForNanos()).isZero();
    assertThat(running.hasOwnSpan()).isFalse();
    assertThat(running.placedUnderSpanId()).isEqualTo(ROOT_SPAN);
    assertThat(store.runningInTrace(TRACE.toUpperCase(java.util.Locale.ROOT))).hasSize(2);
    // and: the records are kept as logs too, as any backend keeps them
    assertThat(store.logRecordCount()).isEqualTo(3);
  }

  @Test
  void aRoundArrivingInSeveralExportsReplacesThePreviousOneOnlyWhenItCloses() {
    // given: round 1 with goroutine 1
    store.addLogs(export(SHOP, goroutine(1, 1).build(), snapshot(1, 1, 0, 1000)));

    // when: round 2's records arrive in two exports, the second with the closing record
    store.addLogs(export(SHOP, goroutine(2, 2).build(), goroutine(2, 3).build()));
    List<RunningProcess> meanwhile = store.runningNow();
    store.addLogs(export(SHOP, goroutine(2, 4).build(), snapshot(2, 3, 0, 1000)));

    // then: round 1 until round 2 closed, then round 2 whole
    assertThat(meanwhile.getFirst().round()).isEqualTo(1);
    assertThat(meanwhile.getFirst().goroutines())
        .extracting(RunningGoroutine::id)
        .containsExactly(1L);
    RunningProcess after = store.runningNow().getFirst();
    assertThat(after.round()).isEqualTo(2);
    assertThat(after.complete()).isTrue();
    assertThat(after.goroutines()).extracting(RunningGoroutine::id).containsExactly(2L, 3L, 4L);
  }

  @Test
  void aRoundWithFewerRecordsThanItsCountIsKeptAndMarkedIncomplete() {
    // when: the round says three, two arrived
    store.addLogs(
        export(SHOP, goroutine(7, 1).build(), goroutine(7, 2).build(), snapshot(7, 3, 0, 1000)));

    // then
    RunningProcess round = store.runningNow().getFirst();
    assertThat(round.complete()).isFalse();
    assertThat(round.expectedCount()).isEqualTo(3);
    assertThat(round.goroutines()).hasSize(2);
  }

  @Test
  void recordsOfANewRoundDropWhatWasPendingOfAnUnclosedOne() {
    // given: round 3's records, never closed
    store.addLogs(export(SHOP, goroutine(3, 1).build(), goroutine(3, 2).build()));

    // when: round 4 arrives and closes
    store.addLogs(export(SHOP, goroutine(4, 9).build(), snapshot(4, 1, 0, 1000)));

    // then: only round 4's goroutine
    assertThat(store.runningNow().getFirst().goroutines())
        .extracting(RunningGoroutine::id)
        .containsExactly(9L);
  }

  @Test
  void aClosingRecordWithoutItsRecordsEmptiesTheProcess() {
    // given
    store.addLogs(export(SHOP, goroutine(1, 1).build(), snapshot(1, 1, 0, 1000)));

    // when: round 2 has no goroutines
    store.addLogs(export(SHOP, snapshot(2, 0, 0, 1000)));

    // then: the process runs nothing, and that is complete
    RunningProcess round = store.runningNow().getFirst();
    assertThat(round.goroutines()).isEmpty();
    assertThat(round.complete()).isTrue();
  }

  @Test
  void aProcessSilentForThreeIntervalsIsGone() {
    // given: a round with an interval of 1 s
    store.addLogs(export(SHOP, goroutine(1, 1).build(), snapshot(1, 1, 0, 1000)));
    long withRound = store.estimatedBytes();

    // when: the store's clock moves on
    nowMillis.addAndGet(3000);
    List<RunningProcess> atThree = store.runningNow();
    nowMillis.addAndGet(1);
    List<RunningProcess> after = store.runningNow();

    // then: kept for exactly three intervals
    assertThat(atThree).hasSize(1);
    assertThat(after).isEmpty();
    assertThat(store.estimatedBytes()).isLessThan(withRound); // the log records stay
    assertThat(store.logRecordCount()).isEqualTo(2);
  }

  @Test
  void aProcessThatNeverClosesARoundIsDroppedAfterAMinute() {
    // given: records without a closing record
    store.addLogs(export(SHOP, goroutine(1, 1).build()));
    long pending = store.estimatedBytes();

    // when
    nowMillis.addAndGet(RunningNow.PENDING_TTL_MILLIS + 1);

    // then
    assertThat(store.runningNow()).isEmpty();
    assertThat(store.estimatedBytes()).isLessThan(pending);
  }

  @Test
  void aGoroutineWhoseOwnSpanArrivedIsNoLongerRunning() {
    // given: a goroutine with its own span, and one running in its parent span
    store.addLogs(
        export(
            SHOP,
            goroutine(1, 1).ownSpan(TRACE, OWN_SPAN, "resize", ROOT_SPAN).build(),
            goroutine(1, 2).in(TRACE, ROOT_SPAN).build(),
            snapshot(1, 2, 0, 1000)));

    // when: the own span ends and arrives (and so does the parent of the other one)
    store.addTraces(spans(OWN_SPAN, ROOT_SPAN));

    // then: the first is hidden; the second runs in a span that has ended but is itself running
    RunningProcess round = store.runningNow().getFirst();
    assertThat(round.goroutines()).extracting(RunningGoroutine::id).containsExactly(2L);
    assertThat(round.expectedCount()).isEqualTo(2);
  }

  @Test
  void processesAreKeptApartByServiceAndInstanceOrElseByTheirWholeResource() {
    // when: two instances of one service, and two processes without a service name
    Resource anonymous1 =
        Resource.newBuilder().addAttributes(LiveExports.string("host.name", "a")).build();
    Resource anonymous2 =
        Resource.newBuilder().addAttributes(LiveExports.string("host.name", "b")).build();
    for (Resource resource :
        List.of(resource("shop", "1"), resource("shop", "2"), anonymous1, anonymous2)) {
      store.addLogs(export(resource, goroutine(1, 1).build(), snapshot(1, 1, 0, 1000)));
    }
    store.addLogs(export(resource("shop", "2"), goroutine(2, 5).build(), snapshot(2, 1, 0, 1000)));

    // then
    List<RunningProcess> now = store.runningNow();
    assertThat(now).hasSize(4);
    assertThat(now)
        .extracting(RunningProcess::serviceName)
        .containsExactly("shop", "shop", "unknown_service", "unknown_service");
    assertThat(now.get(1).round()).isEqualTo(2);
  }

  @Test
  void listenersAreToldOfEachClosedRound() {
    // given
    List<RunningProcess> told = new CopyOnWriteArrayList<>();
    store.addRunningListener(told::addAll);

    // when: records without a close, then the close
    store.addLogs(export(SHOP, goroutine(1, 1).build()));
    assertThat(told).isEmpty();
    store.addLogs(export(SHOP, snapshot(1, 1, 0, 1000)));

    // then
    assertThat(told).singleElement().satisfies(p -> assertThat(p.goroutines()).hasSize(1));
  }

  @Test
  void otherLogRecordsInTheSameExportAreKeptAsLogsBesideTheLiveOnes() {
    // given: an ordinary log record between live ones
    LogRecord plain = LogRecord.newBuilder().setEventName("shuttle.goroutine.stalled").build();
    store.addLogs(export(SHOP, goroutine(1, 1).build(), plain, snapshot(1, 1, 0, 1000)));

    // then
    assertThat(store.logRecordCount()).isEqualTo(3);
    assertThat(store.resourceLogs().getFirst().getScopeLogs(0).getLogRecordsList()).contains(plain);
    assertThat(store.runningNow()).hasSize(1);
  }

  @Test
  void goroutinesBeyondTheCapPerRoundAreDroppedAndTheRoundMarkedIncomplete() {
    // given: a cap of 3
    RunningNow running = new RunningNow(64, 3, Long.MAX_VALUE);
    List<LogRecord> records = new ArrayList<>();
    for (int id = 1; id <= 5; id++) {
      records.add(goroutine(1, id).build());
    }
    records.add(snapshot(1, 5, 0, 1000));

    // when
    running.add(LiveRecords.read(export(SHOP, records).getResourceLogsList()).processes(), 0);

    // then
    RunningProcess round = running.snapshot(0).getFirst();
    assertThat(round.goroutines()).extracting(RunningGoroutine::id).containsExactly(1L, 2L, 3L);
    assertThat(round.complete()).isFalse();
    assertThat(running.droppedRecords()).isEqualTo(2);
  }

  @Test
  void beyondTheCapOnProcessesTheOneHeardFromLeastRecentlyGoes() {
    // given: a cap of 2
    RunningNow running = new RunningNow(2, 10, Long.MAX_VALUE);

    // when: three processes, one a millisecond after the other
    for (int p = 1; p <= 3; p++) {
      running.add(
          LiveRecords.read(
                  export(resource("svc-" + p, ""), goroutine(1, 1).build(), snapshot(1, 1, 0, 1000))
                      .getResourceLogsList())
              .processes(),
          p);
    }

    // then
    assertThat(running.snapshot(3))
        .extracting(RunningProcess::serviceName)
        .containsExactly("svc-2", "svc-3");
    assertThat(running.processCount()).isEqualTo(2);
  }

  @Test
  void beyondTheByteCapRecordsAreDroppedAndTheBytesStayWithinIt() {
    // given: room for the process and about two goroutines
    long cap = 1024 + 400 + 2 * 600;
    RunningNow running = new RunningNow(64, 10_000, cap);
    List<LogRecord> records = new ArrayList<>();
    for (int id = 1; id <= 10; id++) {
      records.add(goroutine(1, id).owner("pool images").build());
    }
    records.add(snapshot(1, 10, 0, 1000));

    // when
    running.add(LiveRecords.read(export(SHOP, records).getResourceLogsList()).processes(), 0);

    // then
    RunningProcess round = running.snapshot(0).getFirst();
    assertThat(round.complete()).isFalse();
    assertThat(round.goroutines()).isNotEmpty().hasSizeLessThan(10);
    assertThat(running.bytes()).isLessThanOrEqualTo(cap);
  }

  @Test
  void theLiveViewCountsTowardsTheStoresByteLimitAndTheOldestDataMakesRoom() {
    // given: a small store filled with spans
    StoreLimits limits = new StoreLimits(100_000, 100_000, 100_000, 200_000);
    TelemetryStore small = TelemetryStore.create(limits, clock);
    for (int t = 0; t < 200; t++) {
      small.addTraces(TestTelemetry.spans("svc", t, 0, 1, 100));
    }
    long spansBefore = small.spanCount();

    // when: a round of 40 goroutines arrives
    List<LogRecord> records = new ArrayList<>();
    for (int id = 1; id <= 40; id++) {
      records.add(
          goroutine(1, id)
              .owner("pool images")
              .blocked("chan send on jobs", "chan send", 5)
              .build());
    }
    records.add(snapshot(1, 40, 40, 1000));
    small.addLogs(export(SHOP, records));

    // then: the round is held whole, older spans made room, the limit holds
    assertThat(small.runningNow().getFirst().goroutines()).hasSize(40);
    assertThat(small.spanCount()).isLessThan((int) spansBefore);
    assertThat(small.estimatedBytes()).isLessThanOrEqualTo(limits.maxBytes());
  }

  @Test
  void clearForgetsTheLiveView() {
    store.addLogs(export(SHOP, goroutine(1, 1).build(), snapshot(1, 1, 0, 1000)));
    store.clear();
    assertThat(store.runningNow()).isEmpty();
    assertThat(store.estimatedBytes()).isZero();
  }

  private static ExportTraceServiceRequest spans(String... spanIds) {
    ResourceSpans.Builder resourceSpans = ResourceSpans.newBuilder().setResource(SHOP);
    var scope = resourceSpans.addScopeSpansBuilder();
    for (String spanId : spanIds) {
      scope.addSpans(
          Span.newBuilder()
              .setTraceId(com.google.protobuf.ByteString.copyFrom(HexFormat.of().parseHex(TRACE)))
              .setSpanId(com.google.protobuf.ByteString.copyFrom(HexFormat.of().parseHex(spanId)))
              .setName("s" + spanId)
              .setStartTimeUnixNano(T0)
              .setEndTimeUnixNano(T0 + 1));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(resourceSpans).build();
  }
}
