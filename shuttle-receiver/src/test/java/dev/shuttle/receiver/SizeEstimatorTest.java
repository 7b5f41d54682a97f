package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Random;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks {@link SizeEstimator} against the heap: messages are parsed from their wire form, as the
 * receiver does, and the heap in use is compared before and after, each time after {@code
 * System.gc()}.
 */
class SizeEstimatorTest {
  private static final Random RANDOM = new Random(42);

  static KeyValue string(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static KeyValue number(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  static String text(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + RANDOM.nextInt(26)));
    }
    return text.toString();
  }

  static ByteString id(int bytes) {
    byte[] id = new byte[bytes];
    RANDOM.nextBytes(id);
    return ByteString.copyFrom(id);
  }

  /** A span as an SDK exports it: ids, name, times, ten attributes and one event. */
  static Span realisticSpan(ByteString traceId) {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(traceId)
            .setSpanId(id(8))
            .setParentSpanId(id(8))
            .setName("GET /api/orders/" + RANDOM.nextInt(1000))
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(1_700_000_000_000_000_000L + RANDOM.nextInt())
            .setEndTimeUnixNano(1_700_000_000_100_000_000L + RANDOM.nextInt());
    for (int i = 0; i < 7; i++) {
      span.addAttributes(string("http.attribute." + i, text(16)));
    }
    for (int i = 0; i < 3; i++) {
      span.addAttributes(number("net.number." + i, RANDOM.nextLong()));
    }
    span.addEvents(
        Span.Event.newBuilder()
            .setName("exception")
            .setTimeUnixNano(1_700_000_000_050_000_000L)
            .addAttributes(string("exception.message", text(40))));
    return span.build();
  }

  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(
            "minimal span", 100_000, (IntFunction<byte[]>) i -> minimalSpan().toByteArray()),
        Arguments.of(
            "realistic span",
            20_000,
            (IntFunction<byte[]>) i -> realisticSpan(id(16)).toByteArray()),
        Arguments.of(
            "span with a 100-number array attribute",
            10_000,
            (IntFunction<byte[]>) i -> arraySpan(100).toByteArray()),
        Arguments.of(
            "metric batch of 50 number points",
            2_000,
            (IntFunction<byte[]>) i -> numberBatch(50).toByteArray()),
        Arguments.of(
            "metric batch of 20 histogram points",
            2_000,
            (IntFunction<byte[]>) i -> histogramBatch(20).toByteArray()),
        Arguments.of(
            "log batch of 20 records",
            2_000,
            (IntFunction<byte[]>) i -> logBatch(20).toByteArray()));
  }

  static Span minimalSpan() {
    return Span.newBuilder()
        .setTraceId(id(16))
        .setSpanId(id(8))
        .setName(text(20))
        .setStartTimeUnixNano(1)
        .setEndTimeUnixNano(2)
        .build();
  }

  static Span arraySpan(int elements) {
    ArrayValue.Builder array = ArrayValue.newBuilder();
    for (int i = 0; i < elements; i++) {
      array.addValues(AnyValue.newBuilder().setIntValue(RANDOM.nextLong()));
    }
    return minimalSpan().toBuilder()
        .addAttributes(
            KeyValue.newBuilder()
                .setKey("array")
                .setValue(AnyValue.newBuilder().setArrayValue(array)))
        .build();
  }

  static ResourceMetrics numberBatch(int points) {
    Gauge.Builder gauge = Gauge.newBuilder();
    for (int i = 0; i < points; i++) {
      gauge.addDataPoints(
          NumberDataPoint.newBuilder()
              .setTimeUnixNano(1_700_000_000_000_000_000L + i)
              .setAsDouble(RANDOM.nextDouble())
              .addAttributes(string("host", text(8)))
              .addAttributes(number("cpu", i)));
    }
    return ResourceMetrics.newBuilder()
        .addScopeMetrics(
            ScopeMetrics.newBuilder()
                .addMetrics(Metric.newBuilder().setName("system.cpu.time").setGauge(gauge)))
        .build();
  }

  static ResourceMetrics histogramBatch(int points) {
    Histogram.Builder histogram = Histogram.newBuilder();
    for (int i = 0; i < points; i++) {
      HistogramDataPoint.Builder point =
          HistogramDataPoint.newBuilder()
              .setTimeUnixNano(1_700_000_000_000_000_000L + i)
              .setCount(1000)
              .setSum(RANDOM.nextDouble())
              .addAttributes(string("route", text(12)));
      for (int b = 0; b < 15; b++) {
        point.addBucketCounts(RANDOM.nextInt(100)).addExplicitBounds(b * 5.0);
      }
      histogram.addDataPoints(point.addBucketCounts(1));
    }
    return ResourceMetrics.newBuilder()
        .addScopeMetrics(
            ScopeMetrics.newBuilder()
                .addMetrics(Metric.newBuilder().setName("http.duration").setHistogram(histogram)))
        .build();
  }

  static ResourceLogs logBatch(int records) {
    ScopeLogs.Builder scope = ScopeLogs.newBuilder();
    for (int i = 0; i < records; i++) {
      scope.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano(1_700_000_000_000_000_000L + i)
              .setSeverityText("INFO")
              .setBody(AnyValue.newBuilder().setStringValue(text(60)))
              .addAttributes(string("thread.name", text(10)))
              .setTraceId(id(16))
              .setSpanId(id(8)));
    }
    return ResourceLogs.newBuilder().addScopeLogs(scope).build();
  }

  static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, runtime.totalMemory() - runtime.freeMemory());
    }
    return least;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  @Timeout(60)
  void estimatesAreAtOrSomewhatAboveTheMeasuredHeap(
      String shape, int count, IntFunction<byte[]> wire) throws Exception {
    // given `count` messages of one shape in their wire form
    byte[][] messages = new byte[count][];
    for (int i = 0; i < count; i++) {
      messages[i] = wire.apply(i);
    }
    Function<byte[], Object> parser = parserFor(shape);
    ToLongFunction<Object> estimator = estimatorFor(shape);
    Object[] parsed = new Object[count];

    // when they are parsed, as the receiver does, and estimated
    long before = usedHeap();
    for (int i = 0; i < count; i++) {
      parsed[i] = parser.apply(messages[i]);
    }
    long measured = usedHeap() - before;
    long estimated = 0;
    for (Object message : parsed) {
      estimated += estimator.applyAsLong(message);
    }
    long wireBytes = 0; // also keeps the wire forms reachable until the heap was measured
    for (byte[] message : messages) {
      wireBytes += message.length;
    }

    // then the estimate is not below the heap, and not far above it
    assertThat((double) estimated / measured)
        .as(
            "%s: estimated %,d bytes, measured %,d, wire %,d",
            shape, estimated, measured, wireBytes)
        .isBetween(0.95, 1.8);
  }

  private static Function<byte[], Object> parserFor(String shape) {
    return bytes -> {
      try {
        if (shape.contains("span")) {
          return Span.parseFrom(bytes);
        } else if (shape.contains("metric")) {
          return ResourceMetrics.parseFrom(bytes);
        } else {
          return ResourceLogs.parseFrom(bytes);
        }
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    };
  }

  private static ToLongFunction<Object> estimatorFor(String shape) {
    if (shape.contains("span")) {
      return message -> SizeEstimator.span((Span) message);
    } else if (shape.contains("metric")) {
      return message -> SizeEstimator.resourceMetrics((ResourceMetrics) message);
    } else {
      return message -> SizeEstimator.resourceLogs((ResourceLogs) message);
    }
  }

  @Test
  void manySmallObjectsCostFarMoreThanTheirWireSize() {
    // given a span whose array attribute holds 10,000 small numbers (2 to 3 bytes each on the wire)
    ArrayValue.Builder array = ArrayValue.newBuilder();
    for (int i = 0; i < 10_000; i++) {
      array.addValues(AnyValue.newBuilder().setIntValue(1000 + i));
    }
    Span span =
        minimalSpan().toBuilder()
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("a")
                    .setValue(AnyValue.newBuilder().setArrayValue(array)))
            .build();

    // when estimated, then each number counts as the objects that hold it (about 75 bytes)
    assertThat(SizeEstimator.span(span)).isGreaterThan(10L * span.getSerializedSize());
  }

  @Test
  void shallowSizesFollowHotSpotsLayout() {
    // with compressed oops (heaps below 32 GiB, as in this test): 12-byte header, 8-byte alignment
    assertThat(SizeEstimator.shallow(Object.class)).isEqualTo(16);
    assertThat(SizeEstimator.shallow(Long.class)).isEqualTo(24);
    // protobuf 4.x: KeyValue has 7 fields of its own and its bases' (40), Span 21 (104)
    assertThat(SizeEstimator.shallow(KeyValue.class)).isBetween(32L, 48L);
    assertThat(SizeEstimator.shallow(Span.class)).isBetween(96L, 128L);
  }

  @Test
  void countsDataPointsAndLogRecords() {
    assertThat(SizeEstimator.dataPoints(numberBatch(7))).isEqualTo(7);
    assertThat(SizeEstimator.dataPoints(histogramBatch(3))).isEqualTo(3);
    assertThat(SizeEstimator.dataPoints(Metric.getDefaultInstance())).isZero();
    assertThat(SizeEstimator.logRecords(logBatch(5))).isEqualTo(5);
  }
}
