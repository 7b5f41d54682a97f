package dev.shuttle.receiver;

import static dev.shuttle.receiver.LiveExports.export;
import static dev.shuttle.receiver.LiveExports.goroutine;
import static dev.shuttle.receiver.LiveExports.integer;
import static dev.shuttle.receiver.LiveExports.resource;
import static dev.shuttle.receiver.LiveExports.snapshot;
import static dev.shuttle.receiver.LiveExports.string;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reading the live records of an export: which records are live, and hostile values (wrong types,
 * negative counts, odd ids, huge strings) dropped or bounded without failing the rest.
 */
class LiveRecordsTest {
  private static final Resource SHOP = resource("shop", "1");

  private static LiveRecords.Found split(LogRecord... records) {
    return LiveRecords.read(export(SHOP, records).getResourceLogsList());
  }

  private static List<LiveRecords.Item> items(LogRecord... records) {
    LiveRecords.Found split = split(records);
    return split.processes().isEmpty() ? List.of() : split.processes().getFirst().items();
  }

  @Test
  void theEventNameAttributeCountsAsTheEventName() {
    // given: a record naming its event in an attribute, as older SDKs do
    LogRecord record =
        goroutine(1, 1).build().toBuilder()
            .clearEventName()
            .addAttributes(string("event.name", LiveRecords.RUNNING_EVENT))
            .build();

    // then
    assertThat(items(record)).singleElement().isInstanceOf(LiveRecords.Running.class);
  }

  @Test
  void recordsWithAttributesOfTheWrongTypeAreDroppedAndCountedAndTheOthersKept() {
    // given: an id as a string, a round as a double, a state as an int, a span name as an array
    LogRecord idAsString =
        goroutine(1, 1).build().toBuilder()
            .clearAttributes()
            .addAttributes(string("shuttle.goroutine.id", "1"))
            .addAttributes(integer("shuttle.goroutines.round", 1))
            .addAttributes(string("shuttle.goroutine.state", "running"))
            .build();
    LogRecord roundAsDouble =
        goroutine(1, 2).build().toBuilder()
            .clearAttributes()
            .addAttributes(integer("shuttle.goroutine.id", 2))
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("shuttle.goroutines.round")
                    .setValue(AnyValue.newBuilder().setDoubleValue(1.0))
                    .build())
            .addAttributes(string("shuttle.goroutine.state", "running"))
            .build();
    LogRecord stateAsInt = goroutine(1, 3).attribute(integer("shuttle.goroutine.state", 1)).build();
    LogRecord spanNameAsArray =
        goroutine(1, 4)
            .attribute(
                KeyValue.newBuilder()
                    .setKey("shuttle.goroutine.span_name")
                    .setValue(AnyValue.newBuilder().setArrayValue(ArrayValue.getDefaultInstance()))
                    .build())
            .build();
    LogRecord good = goroutine(1, 5).build();

    // when
    LiveRecords.Found split = split(idAsString, roundAsDouble, stateAsInt, spanNameAsArray, good);

    // then
    assertThat(split.liveRecords()).isEqualTo(5);
    assertThat(split.malformed()).isEqualTo(4);
    assertThat(split.processes().getFirst().items())
        .singleElement()
        .satisfies(i -> assertThat(((LiveRecords.Running) i).goroutine().id()).isEqualTo(5));
  }

  @Test
  void closingRecordsWithoutTheirCountsOrWithNegativeOnesAreMalformed() {
    LogRecord noInterval =
        snapshot(1, 1, 0, 1000).toBuilder().removeAttributes(3).build(); // interval_ms
    LogRecord negativeCount =
        snapshot(1, 1, 0, 1000).toBuilder()
            .setAttributes(1, integer("shuttle.goroutines.count", -1))
            .build();
    LogRecord zeroInterval = snapshot(1, 1, 0, 0);
    LogRecord hugeInterval = snapshot(1, 1, 0, Long.MAX_VALUE);

    LiveRecords.Found split = split(noInterval, negativeCount, zeroInterval, hugeInterval);

    assertThat(split.malformed()).isEqualTo(3);
    assertThat(
            ((LiveRecords.RoundEnd) split.processes().getFirst().items().getFirst())
                .intervalMillis())
        .isEqualTo(LiveRecords.MAX_INTERVAL_MILLIS);
  }

  @Test
  void stringsAreCutAndIdsOfTheWrongSizeAreAbsent() {
    // given: huge strings, a 3-byte trace id, a parent span id that is not hex
    LogRecord record =
        goroutine(1, 1)
            .name("n".repeat(100_000))
            .blocked("b".repeat(100_000), "k".repeat(5000), 1)
            .ownSpan(
                "5b8efff798038103d269b633813fc60c",
                "2222222222222222",
                "s".repeat(9999),
                "<script>")
            .build()
            .toBuilder()
            .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3}))
            .build();
    LogRecord zeroTrace =
        goroutine(1, 2).in("00000000000000000000000000000000", "2222222222222222").build();

    // when
    List<LiveRecords.Item> items = items(record, zeroTrace);

    // then
    RunningGoroutine g = ((LiveRecords.Running) items.get(0)).goroutine();
    assertThat(g.name()).hasSize(LiveRecords.MAX_NAME_CHARS).endsWith("…");
    assertThat(g.blockedOn()).hasSize(LiveRecords.MAX_TEXT_CHARS);
    assertThat(g.blockedOnKind()).hasSize(LiveRecords.MAX_NAME_CHARS);
    assertThat(g.traceId()).isEmpty();
    assertThat(g.spanId()).isEmpty();
    assertThat(g.spanName()).isEmpty();
    assertThat(g.parentSpanId()).isEmpty();
    assertThat(g.hasOwnSpan()).isFalse();
    RunningGoroutine untraced = ((LiveRecords.Running) items.get(1)).goroutine();
    assertThat(untraced.traceId()).isEmpty();
    assertThat(untraced.spanId()).isEmpty();
  }

  @Test
  void aParentSpanIdThatIsNotHexIsAbsent() {
    LogRecord record =
        goroutine(1, 1)
            .ownSpan(
                "5b8efff798038103d269b633813fc60c", "2222222222222222", "resize", "zz<b>zz</b>zzzz")
            .build();

    RunningGoroutine g = ((LiveRecords.Running) items(record).getFirst()).goroutine();

    assertThat(g.hasOwnSpan()).isTrue();
    assertThat(g.parentSpanId()).isEmpty();
  }

  @Test
  void aCutNeverSplitsASurrogatePair() {
    String emoji = "😀".repeat(LiveRecords.MAX_NAME_CHARS);
    String cut = LiveRecords.cut(emoji, LiveRecords.MAX_NAME_CHARS);
    assertThat(cut.length()).isLessThanOrEqualTo(LiveRecords.MAX_NAME_CHARS);
    assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).isFalse();
    assertThat(cut).endsWith("…");
  }

  @Test
  void aResourceWithAHugeIdentityGetsAShortKey() {
    Resource huge =
        Resource.newBuilder().addAttributes(string("host.name", "h".repeat(100_000))).build();
    LiveRecords.Found split =
        LiveRecords.read(export(huge, goroutine(1, 1).build()).getResourceLogsList());
    assertThat(split.processes().getFirst().key()).startsWith("sha256:").hasSize(7 + 64);
    assertThat(split.processes().getFirst().resource().get("host.name"))
        .hasSize(LiveRecords.MAX_NAME_CHARS);
  }

  @Test
  void exportsWithoutLiveRecordsHaveNone() {
    LogRecord plain =
        LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("hi")).build();
    LiveRecords.Found found = LiveRecords.read(export(SHOP, plain).getResourceLogsList());
    assertThat(found.processes()).isEmpty();
    assertThat(found.liveRecords()).isZero();
  }
}
