package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.channel.Channel;
import dev.shuttle.flow.FailurePolicy;
import dev.shuttle.flow.Pipeline;
import dev.shuttle.flow.PipelineRun;
import dev.shuttle.flow.StageFailure;
import dev.shuttle.telemetry.Spans;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The guide's "多阶段管道" (MultiStagePipeline) on Shuttle's {@link Pipeline}: one {@code data-item}
 * span per item under {@code multi-stage-pipeline}, and a span per stage for each item.
 *
 * <p>Trace shape: {@code multi-stage-pipeline} → {@code data-item} (attribute {@code data}) → the
 * pipeline's own {@code pipeline.item} span (index and outcome) → {@code stage-1-process}, {@code
 * stage-2-process}, {@code stage-3-process}. Items enter through a channel, each sent in its {@code
 * data-item} context, so the pipeline continues that trace.
 *
 * <p>Fixed guide defect: the guide sleeps a second hoping the stages are done; here the run's
 * output channel closes once every item is through, and the scenario reads it to the end. One item
 * ({@value #FAILING}) fails in stage 2 on purpose: under {@link FailurePolicy#sendTo} it is dropped
 * (its stage span, pipeline span and {@code data-item} span record the failure), its failure is
 * delivered on an error channel, and the other items go on, in input order.
 */
public final class PipelineScenario implements Scenario {
  static final List<String> DATA = List.of("alpha", "beta", "gamma", "delta", "epsilon");
  static final String FAILING = "gamma";
  static final Duration STAGE_WORK = Duration.ofMillis(10);
  static final AttributeKey<String> DATA_KEY = stringKey("data");

  private Tracer tracer = OpenTelemetry.noop().getTracer("pipeline-stage");

  @Override
  public String name() {
    return "pipeline";
  }

  @Override
  public String description() {
    return "a three-stage pipeline, one trace per item, completion without sleeping, one failure";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    tracer = openTelemetry.getTracer("pipeline-stage");
    List<String> results = multiStagePipeline(DATA);
    List<String> expected =
        DATA.stream()
            .filter(d -> !d.equals(FAILING))
            .map(d -> "stage3-stage2-stage1-" + d)
            .toList();
    if (!results.equals(expected)) {
      throw new IllegalStateException("expected " + expected + " but got " + results);
    }
  }

  /** The guide's MultiStagePipeline; returns the items that came through, in input order. */
  List<String> multiStagePipeline(List<String> data) throws Exception {
    Span span = tracer.spanBuilder("multi-stage-pipeline").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Channel<StageFailure> failures = Channel.buffered(data.size()); // room for every item
      Pipeline<DataItem, DataItem> pipeline =
          Pipeline.<DataItem>builder("multi-stage-pipeline")
              .stage("stage-1-process", item -> stage(item, "stage1-"))
              .stage("stage-2-process", PipelineScenario::stage2)
              .stage("stage-3-process", item -> stage(item, "stage3-"))
              .buffer(10)
              .ordered(true)
              .onFailure(FailurePolicy.sendTo(failures))
              .build();
      Channel<DataItem> input = Channel.buffered(10);
      List<Span> itemSpans = new ArrayList<>();
      List<String> results = new ArrayList<>();
      try (PipelineRun<DataItem> run = pipeline.start(Context.current(), input)) {
        try (input) {
          for (int i = 0; i < data.size(); i++) {
            Span itemSpan =
                tracer.spanBuilder("data-item").setAttribute(DATA_KEY, data.get(i)).startSpan();
            itemSpans.add(itemSpan);
            input.send(Context.current().with(itemSpan), new DataItem(i, data.get(i)));
          }
        }
        for (DataItem done : run.output()) { // ends when every item is through: no sleep
          results.add(done.data());
          itemSpans.get(done.index()).end(); // the guide ends the item's span after stage 3
        }
        run.await();
        failures.close(); // the run is over: nothing more can fail
        for (StageFailure failure : failures) {
          Span itemSpan = itemSpans.get(((DataItem) failure.input()).index());
          Spans.recordFailure(itemSpan, failure.error());
          itemSpan.end();
        }
      } finally {
        itemSpans.forEach(Span::end); // only if the run failed: ending an ended span does nothing
      }
      return results;
    } catch (Exception e) {
      Spans.recordFailure(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  private static DataItem stage(DataItem item, String prefix) throws InterruptedException {
    Work.simulate(STAGE_WORK);
    return new DataItem(item.index(), prefix + item.data());
  }

  private static DataItem stage2(DataItem item) throws Exception {
    if (item.data().endsWith(FAILING)) {
      throw new InvalidDataException("stage 2 cannot transform " + item.data());
    }
    return stage(item, "stage2-");
  }

  /** The guide's TracedData without its context and span: the channel carries the context. */
  record DataItem(int index, String data) {}

  /** The failure of one item in stage 2. */
  static final class InvalidDataException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidDataException(String message) {
      super(message);
    }
  }
}
