package dev.shuttle.flow;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.telemetry.ChannelAttributes;
import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An item span that the pipeline's builder names and attributes: one span per item. */
@Timeout(20)
@SuppressWarnings("try") // scopes are only closed
class PipelineItemSpanTest {
  private static final AttributeKey<String> DATA = stringKey("data");

  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void eachItemIsOneSpanNamedAndAttributedByTheCallerParentOfItsStages() throws Exception {
    // given: the guide's shape, multi-stage-pipeline → data-item (data) → stage spans
    Pipeline<String, String> pipeline =
        Pipeline.<String>builder("multi-stage")
            .itemSpan("data-item", data -> Attributes.of(DATA, data))
            .stage("stage-1-process", s -> "stage1-" + s)
            .stage("stage-2-process", s -> "stage2-" + s)
            .ordered(true)
            .build();
    Span root = telemetry.tracer().spanBuilder("multi-stage-pipeline").startSpan();

    // when
    List<String> results;
    try (Scope ignored = root.makeCurrent()) {
      results = pipeline.run(Context.current(), List.of("a", "b", "c"));
    } finally {
      root.end();
    }

    // then
    assertThat(results).containsExactly("stage2-stage1-a", "stage2-stage1-b", "stage2-stage1-c");
    assertThat(telemetry.spans(ChannelAttributes.SPAN_PIPELINE_ITEM)).isEmpty();
    List<SpanData> items = telemetry.spans("data-item");
    assertThat(items)
        .extracting(s -> s.getAttributes().get(DATA))
        .containsExactlyInAnyOrder("a", "b", "c");
    assertThat(items)
        .extracting(s -> s.getAttributes().get(ChannelAttributes.PIPELINE_ITEM_INDEX))
        .containsExactlyInAnyOrder(0L, 1L, 2L);
    for (SpanData item : items) {
      assertThat(item.getParentSpanId()).isEqualTo(root.getSpanContext().getSpanId());
      assertThat(item.getAttributes().get(ChannelAttributes.PIPELINE_NAME))
          .isEqualTo("multi-stage");
      assertThat(item.getAttributes().get(ChannelAttributes.PIPELINE_ITEM_OUTCOME))
          .isEqualTo("completed");
      assertThat(childNames(item)).containsExactly("stage-1-process", "stage-2-process");
    }
    assertThat(telemetry.spans()).hasSize(1 + 3 + 3 * 2);
  }

  @Test
  void aDroppedItemRecordsItsFailureOnTheCallersSpan() throws Exception {
    // given
    Pipeline<String, String> pipeline =
        Pipeline.<String>builder("drops")
            .itemSpan("data-item", data -> Attributes.of(DATA, data))
            .stage(
                "validate",
                s -> {
                  if (s.equals("bad")) {
                    throw new IllegalArgumentException("cannot validate bad");
                  }
                  return s;
                })
            .build();

    // when
    List<String> results = pipeline.run(Context.root(), List.of("good", "bad"));

    // then
    assertThat(results).containsExactly("good");
    SpanData bad =
        telemetry.spans("data-item").stream()
            .filter(s -> "bad".equals(s.getAttributes().get(DATA)))
            .findFirst()
            .orElseThrow();
    assertThat(bad.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(bad.getStatus().getDescription()).isEqualTo("cannot validate bad");
    assertThat(bad.getAttributes().get(ChannelAttributes.PIPELINE_ITEM_OUTCOME))
        .isEqualTo("dropped");
  }

  @Test
  void theCallersAttributesWinOverThePipelinesOfTheSameName() throws Exception {
    // given
    Pipeline<String, String> pipeline =
        Pipeline.<String>builder("named")
            .itemSpan("item", s -> Attributes.of(ChannelAttributes.PIPELINE_NAME, "mine"))
            .stage("echo", s -> s)
            .build();

    // when
    pipeline.run(Context.root(), List.of("x"));

    // then
    SpanData item = telemetry.spans("item").getFirst();
    assertThat(item.getAttributes().get(ChannelAttributes.PIPELINE_NAME)).isEqualTo("mine");
    assertThat(item.getAttributes().get(ChannelAttributes.PIPELINE_ITEM_INDEX)).isZero();
  }

  @Test
  void aNameAloneKeepsThePipelinesAttributes() throws Exception {
    // given
    Pipeline<String, String> pipeline =
        Pipeline.<String>builder("plain").itemSpan("order").stage("ship", s -> s).build();

    // when
    pipeline.run(Context.root(), List.of("x"));

    // then
    SpanData item = telemetry.spans("order").getFirst();
    assertThat(item.getAttributes().get(ChannelAttributes.PIPELINE_NAME)).isEqualTo("plain");
    assertThat(childNames(item)).containsExactly("ship");
  }

  @Test
  void anAttributeFunctionThatThrowsFailsTheRunAndEndsItsSpan() {
    // given
    Pipeline<String, String> pipeline =
        Pipeline.<String>builder("broken-attributes")
            .itemSpan(
                "data-item",
                s -> {
                  throw new IllegalStateException("no attributes for " + s);
                })
            .stage("echo", s -> s)
            .build();

    // when / then
    assertThatThrownBy(() -> pipeline.run(Context.root(), List.of("x")))
        .isInstanceOf(PipelineException.class)
        .hasRootCauseMessage("no attributes for x");
    SpanData item = telemetry.spans("data-item").getFirst();
    assertThat(item.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(telemetry.startedSpans()).isEqualTo(telemetry.endedSpans());
  }

  @Test
  void aBlankItemSpanNameIsRejectedWithAClearMessage() {
    assertThatThrownBy(() -> Pipeline.<String>builder("p").itemSpan(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spanName must not be blank");
    assertThatThrownBy(() -> Pipeline.<String>builder("p").itemSpan("", s -> Attributes.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spanName must not be blank");
    assertThatThrownBy(() -> Pipeline.<String>builder("p").itemSpan("item", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("attributes");
  }

  private List<String> childNames(SpanData parent) {
    return telemetry.spans().stream()
        .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
        .map(SpanData::getName)
        .sorted()
        .toList();
  }
}
