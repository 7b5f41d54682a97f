package dev.shuttle.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.shuttle.Goroutines;
import dev.shuttle.channel.Channel;
import dev.shuttle.channel.ChannelClosedException;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.SendChannel;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.inspect.GoroutineInfo;
import dev.shuttle.telemetry.ChannelAttributes;
import dev.shuttle.testing.ForEachCapacity;
import dev.shuttle.testing.TelemetryExtension;
import dev.shuttle.testing.Waits;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(20)
@SuppressWarnings("try") // scopes are only closed
class PipelineTest {
  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  /**
   * The guide's multi-stage pipeline: three stages, a span per item ending when it leaves the last
   * stage, a child span per stage — and completion without sleeping.
   */
  @Test
  void reproducesTheGuidesMultiStagePipeline() throws Exception {
    Pipeline<String, String> pipeline =
        Pipeline.<String>builder("multi-stage")
            .stage("stage-1-process", s -> "stage1-" + s)
            .stage("stage-2-process", s -> "stage2-" + s)
            .stage("stage-3-process", s -> "stage3-" + s)
            .buffer(10)
            .ordered(true)
            .build();
    Span root = telemetry.tracer().spanBuilder("multi-stage-pipeline").startSpan();
    List<String> results;
    try (Scope ignored = root.makeCurrent()) {
      results = pipeline.run(Context.current(), List.of("a", "b", "c"));
    } finally {
      root.end();
    }

    assertThat(results)
        .containsExactly(
            "stage3-stage2-stage1-a", "stage3-stage2-stage1-b", "stage3-stage2-stage1-c");
    List<SpanData> items = telemetry.spans(ChannelAttributes.SPAN_PIPELINE_ITEM);
    assertThat(items).hasSize(3);
    for (SpanData item : items) {
      assertThat(item.getTraceId()).isEqualTo(root.getSpanContext().getTraceId());
      assertThat(item.getParentSpanId()).isEqualTo(root.getSpanContext().getSpanId());
      assertThat(item.getAttributes().get(ChannelAttributes.PIPELINE_ITEM_OUTCOME))
          .isEqualTo("completed");
      assertThat(item.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      for (String stage : List.of("stage-1-process", "stage-2-process", "stage-3-process")) {
        assertThat(telemetry.spans(stage))
            .filteredOn(s -> s.getParentSpanId().equals(item.getSpanId()))
            .singleElement()
            .satisfies(s -> assertThat(s.getTraceId()).isEqualTo(item.getTraceId()));
      }
    }
    assertThat(telemetry.startedSpans()).isEqualTo(telemetry.endedSpans());
  }

  @ForEachCapacity
  void keepsInputOrderWithConcurrentStages(int buffer) throws Exception {
    Pipeline<Integer, Integer> pipeline =
        Pipeline.<Integer>builder("ordered")
            .stage("jitter", 4, PipelineTest::jitter)
            .stage("double", 3, i -> i * 2)
            .buffer(buffer)
            .ordered(true)
            .build();
    List<Integer> inputs = IntStream.range(0, 200).boxed().toList();

    List<Integer> results = pipeline.run(Context.root(), inputs);

    assertThat(results).containsExactlyElementsOf(inputs.stream().map(i -> i * 2).toList());
  }

  @ForEachCapacity
  void unorderedOutputHasEveryItem(int buffer) throws Exception {
    Pipeline<Integer, Integer> pipeline =
        Pipeline.<Integer>builder("unordered")
            .stage("jitter", 4, PipelineTest::jitter)
            .buffer(buffer)
            .build();
    List<Integer> inputs = IntStream.range(0, 200).boxed().toList();

    assertThat(pipeline.run(Context.root(), inputs)).containsExactlyInAnyOrderElementsOf(inputs);
  }

  @Test
  void dropsFailedItemsAndRecordsTheFailure() throws Exception {
    Pipeline<Integer, Integer> pipeline =
        Pipeline.<Integer>builder("drop")
            .stage(
                "check",
                2,
                i -> {
                  if (i % 3 == 0) {
                    throw new IllegalArgumentException("multiple of three: " + i);
                  }
                  return i;
                })
            .ordered(true)
            .onFailure(FailurePolicy.drop())
            .build();

    List<Integer> results = pipeline.run(Context.root(), IntStream.range(0, 30).boxed().toList());

    assertThat(results)
        .containsExactlyElementsOf(IntStream.range(0, 30).filter(i -> i % 3 != 0).boxed().toList());
    Map<String, List<SpanData>> byOutcome =
        telemetry.spans(ChannelAttributes.SPAN_PIPELINE_ITEM).stream()
            .collect(
                Collectors.groupingBy(
                    s ->
                        String.valueOf(
                            s.getAttributes().get(ChannelAttributes.PIPELINE_ITEM_OUTCOME))));
    assertThat(byOutcome.get("dropped"))
        .hasSize(10)
        .allSatisfy(
            s -> {
              assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
              assertThat(s.getStatus().getDescription()).startsWith("multiple of three");
            });
    assertThat(byOutcome.get("completed")).hasSize(20);
    assertThat(telemetry.spans("check"))
        .filteredOn(s -> s.getStatus().getStatusCode() == StatusCode.ERROR)
        .hasSize(10);
    assertThat(telemetry.startedSpans()).isEqualTo(telemetry.endedSpans());
  }

  @Test
  void routesFailuresToAnErrorChannel() throws Exception {
    Channel<StageFailure> errors = Channel.buffered(100);
    Pipeline<Integer, Integer> pipeline =
        Pipeline.<Integer>builder("errors")
            .stage(
                "odd-only",
                i -> {
                  if (i % 2 == 0) {
                    throw new IllegalStateException("even");
                  }
                  return i;
                })
            .onFailure(FailurePolicy.sendTo(errors))
            .build();

    List<Integer> results = pipeline.run(Context.root(), IntStream.range(0, 10).boxed().toList());
    errors.close();

    assertThat(results).containsExactlyInAnyOrder(1, 3, 5, 7, 9);
    List<StageFailure> failures = errors.stream().toList();
    assertThat(failures).extracting(StageFailure::input).containsExactlyInAnyOrder(0, 2, 4, 6, 8);
    assertThat(failures)
        .allSatisfy(
            f -> {
              assertThat(f.stage()).isEqualTo("odd-only");
              assertThat(f.error()).hasMessage("even");
              assertThat(Span.fromContext(f.context()).getSpanContext().isValid()).isTrue();
            });
  }

  @Test
  void aFailureCancelsTheWholePipelineWhenAsked() throws Exception {
    // an endless source: only cancellation can stop this run
    Iterable<Integer> endless = () -> IntStream.iterate(0, i -> i + 1).iterator();
    Pipeline<Integer, Integer> pipeline =
        Pipeline.<Integer>builder("fail-fast")
            .stage(
                "explode-at-50",
                3,
                i -> {
                  if (i == 50) {
                    throw new IllegalStateException("item 50 is poisoned");
                  }
                  return i;
                })
            .stage("slow", 2, PipelineTest::jitter)
            .buffer(4)
            .onFailure(FailurePolicy.cancelPipeline())
            .build();

    PipelineRun<Integer> run = pipeline.start(Context.root(), endless);
    List<Integer> received = new ArrayList<>();
    assertThatThrownBy(() -> run.output().forEach(received::add))
        .isInstanceOf(ChannelClosedException.class)
        .cause()
        .isInstanceOf(PipelineException.class)
        .hasRootCauseMessage("item 50 is poisoned");
    assertThatThrownBy(run::await)
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("fail-fast")
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(run.isDone()).isTrue();
    assertThat(telemetry.startedSpans()).isEqualTo(telemetry.endedSpans()); // every item span ended
    assertThat(telemetry.spans(ChannelAttributes.SPAN_PIPELINE_ITEM))
        .filteredOn(
            s -> "failed".equals(s.getAttributes().get(ChannelAttributes.PIPELINE_ITEM_OUTCOME)))
        .hasSize(1);
  }

  @Test
  void cancellingARunStopsEveryStagePromptly() throws Exception {
    Iterable<Integer> endless = () -> IntStream.iterate(0, i -> i + 1).iterator();
    Pipeline<Integer, Integer> pipeline =
        Pipeline.<Integer>builder("cancel")
            .stage("a", 2, i -> i)
            .stage("b", 3, PipelineTest::jitter)
            .buffer(8)
            .ordered(true)
            .build();
    PipelineRun<Integer> run = pipeline.start(Context.root(), endless);
    Iterator<Integer> output = run.output().iterator();
    for (int i = 0; i < 20; i++) {
      assertThat(output.next()).isEqualTo(i);
    }

    // the run's seven threads: source, two of stage a, three of stage b, sink
    Waits.until(() -> threadsOf("cancel").size() == 7);
    List<GoroutineInfo> threads = threadsOf("cancel");
    assertThat(threads)
        .extracting(GoroutineInfo::owner)
        .contains(
            "pipeline cancel source",
            "pipeline cancel stage a",
            "pipeline cancel stage b",
            "pipeline cancel sink");

    // the source is endless: only the cancel can end the run (the limit only guards a hang)
    run.cancel();
    assertTimeoutPreemptively(Duration.ofSeconds(10), run::close);

    assertThat(Goroutines.awaitEnd(threads, Waits.LIMIT)).as("every thread ended").isTrue();
    assertThat(run.isDone()).isTrue();
    assertThatThrownBy(run::await).isInstanceOf(ContextDoneException.class);
    assertThat(telemetry.startedSpans()).isEqualTo(telemetry.endedSpans());
    assertThat(telemetry.spans(ChannelAttributes.SPAN_PIPELINE_ITEM))
        .filteredOn(
            s -> "canceled".equals(s.getAttributes().get(ChannelAttributes.PIPELINE_ITEM_OUTCOME)))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
  }

  @Test
  void itemsFromAChannelAreChildrenOfTheirSendersSpans() throws Exception {
    Channel<String> source = Channel.buffered(4);
    List<Span> producers = new ArrayList<>();
    for (String value : List.of("x", "y")) {
      Span producer = telemetry.tracer().spanBuilder("produce-" + value).startSpan();
      try (Scope ignored = producer.makeCurrent()) {
        source.send(value);
      }
      producer.end();
      producers.add(producer);
    }
    source.close();
    Pipeline<String, String> pipeline =
        Pipeline.<String>builder("from-channel").stage("upper", String::toUpperCase).build();

    try (PipelineRun<String> run = pipeline.start(Context.root(), source)) {
      List<Message<String>> out = new ArrayList<>();
      run.output().messages().forEach(out::add);
      run.await();
      assertThat(out).extracting(Message::value).containsExactly("X", "Y");
      assertThat(Span.fromContext(out.get(0).context()).getSpanContext().getTraceId())
          .isEqualTo(producers.get(0).getSpanContext().getTraceId());
    }
    Function<String, SpanData> item =
        v ->
            telemetry.spans(ChannelAttributes.SPAN_PIPELINE_ITEM).stream()
                .filter(
                    s ->
                        Long.valueOf(v.equals("x") ? 0L : 1L)
                            .equals(s.getAttributes().get(ChannelAttributes.PIPELINE_ITEM_INDEX)))
                .findFirst()
                .orElseThrow();
    assertThat(item.apply("x").getParentSpanId())
        .isEqualTo(producers.get(0).getSpanContext().getSpanId());
    assertThat(item.apply("y").getParentSpanId())
        .isEqualTo(producers.get(1).getSpanContext().getSpanId());
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> Pipeline.<String>builder("p").stage("s", 0, s -> s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stage s: concurrency must be at least 1, but was 0");
    assertThatThrownBy(() -> Pipeline.<String>builder("p").buffer(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pipeline.<String>builder("p").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("pipeline p needs at least one stage");
  }

  /** The live threads of the runs of the pipeline named {@code pipeline}. */
  private static List<GoroutineInfo> threadsOf(String pipeline) {
    return Goroutines.snapshot()
        .filter(g -> g.owner().startsWith("pipeline " + pipeline + " "))
        .goroutines();
  }

  private static int jitter(int i) throws InterruptedException {
    if (ThreadLocalRandom.current().nextInt(8) == 0) {
      TimeUnit.MICROSECONDS.sleep(ThreadLocalRandom.current().nextInt(500));
    }
    return i;
  }

  @Test
  void aRunsOutputIsReceiveOnlyAndFailuresGoToASendOnlyView() throws Exception {
    Channel<StageFailure> errors = Channel.buffered(4);
    Pipeline<Integer, Integer> pipeline =
        Pipeline.<Integer>builder("views")
            .stage(
                "odd-only",
                i -> {
                  if (i % 2 == 0) {
                    throw new IllegalArgumentException("even " + i);
                  }
                  return i;
                })
            .ordered(true)
            .onFailure(FailurePolicy.sendTo(errors.sendOnly()))
            .build();

    try (PipelineRun<Integer> run = pipeline.start(Context.root(), List.of(1, 2, 3))) {
      assertThat(run.output()).isNotInstanceOf(SendChannel.class).isNotInstanceOf(Channel.class);
      assertThat(run.output().stream().toList()).containsExactly(1, 3);
      run.await();
    }
    assertThat(errors.receive().input()).isEqualTo(2);
    assertThat(errors.len()).isZero();
  }
}
