package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The byte limit against the heap: what a {@link TelemetryStore} retains, measured with {@link
 * Runtime} after {@code System.gc()}, stays near its limit however much arrives.
 */
class TelemetryStoreMemoryTest {
  private static final long MIB = 1024 * 1024;

  /** An export as an SDK sends it: a resource of ten attributes, 10 traces of 10 spans. */
  private static ExportTraceServiceRequest export() {
    Resource.Builder resource = TestTelemetry.resource("checkout").toBuilder();
    for (int i = 0; i < 9; i++) {
      resource.addAttributes(SizeEstimatorTest.string("process.attribute." + i, "value-" + i));
    }
    ScopeSpans.Builder scope =
        ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.http"));
    for (int t = 0; t < 10; t++) {
      ByteString traceId = SizeEstimatorTest.id(16);
      for (int s = 0; s < 10; s++) {
        scope.addSpans(SizeEstimatorTest.realisticSpan(traceId));
      }
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope))
        .build();
  }

  @Test
  @Timeout(120)
  void theRetainedHeapStaysNearTheByteLimit() throws Exception {
    // given a store limited to 32 MiB (and to a million spans, which it will not reach)
    long limit = 32 * MIB;
    TelemetryStore store = TelemetryStore.create(new StoreLimits(1_000_000, 10, 10, limit));
    long before = SizeEstimatorTest.usedHeap();

    // when 200 MiB worth of spans arrive (by the store's estimate), each export parsed from its
    // wire form as the receiver does
    long wireBytes = 0;
    while (store.estimatedBytes() + store.evictedBytes() < 200 * MIB) {
      byte[] wire = export().toByteArray();
      wireBytes += wire.length;
      store.addTraces(ExportTraceServiceRequest.parseFrom(wire));
    }
    long retained = SizeEstimatorTest.usedHeap() - before;

    // then the store's estimate is within the limit, and so, give or take, is the heap it retains
    assertThat(store.estimatedBytes()).isBetween(limit * 9 / 10, limit);
    assertThat(retained)
        .as(
            "retained %,d bytes for an estimate of %,d; %,d spans held of %,d received (%,d bytes"
                + " on the wire)",
            retained, store.estimatedBytes(), store.spanCount(), store.spansReceived(), wireBytes)
        .isBetween(limit / 2, limit * 5 / 4);
  }
}
