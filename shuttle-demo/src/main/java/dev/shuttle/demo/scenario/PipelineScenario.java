package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.flow.Pipeline;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;

/**
 * The guide's "多阶段管道" (MultiStagePipeline) on Shuttle's {@link Pipeline}: under {@code
 * multi-stage-pipeline}, one {@code data-item} span per item (attribute {@code data}), parent of
 * its {@code stage-1-process}, {@code stage-2-process} and {@code stage-3-process} spans.
 *
 * <p>Fixes the guide's defect: the guide sleeps a second hoping the stages are done; here {@code
 * run} returns once every item is through. One item ({@value #FAILING}) fails in stage 2 on
 * purpose: it is dropped, its stage span and its {@code data-item} span record the failure, and the
 * other items go on, in input order.
 */
public final class PipelineScenario implements Scenario {
  static final List<String> DATA = List.of("alpha", "beta", "gamma", "delta", "epsilon");
  static final String FAILING = "gamma";
  static final AttributeKey<String> DATA_KEY = stringKey("data");

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
    multiStagePipeline(openTelemetry.getTracer("pipeline-stage"), DATA);
  }

  /** The guide's MultiStagePipeline; returns the items that came through, in input order. */
  static List<String> multiStagePipeline(Tracer tracer, List<String> data) throws Exception {
    Span span = tracer.spanBuilder("multi-stage-pipeline").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Pipeline<String, String> pipeline =
          Pipeline.<String>builder("multi-stage-pipeline")
              .itemSpan("data-item", item -> Attributes.of(DATA_KEY, item))
              .stage("stage-1-process", item -> stage("stage1-", item))
              .stage("stage-2-process", item -> stage("stage2-", validate(item)))
              .stage("stage-3-process", item -> stage("stage3-", item))
              .buffer(10)
              .ordered(true)
              .build(); // a failing item is dropped, the others go on
      return pipeline.run(Context.current(), data); // returns when every item is through
    } finally {
      span.end();
    }
  }

  private static String stage(String prefix, String item) throws InterruptedException {
    Work.simulate(Duration.ofMillis(10));
    return prefix + item;
  }

  private static String validate(String item) throws InvalidDataException {
    if (item.endsWith(FAILING)) {
      throw new InvalidDataException("stage 2 cannot transform " + item);
    }
    return item;
  }

  /** The failure of one item in stage 2. */
  static final class InvalidDataException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidDataException(String message) {
      super(message);
    }
  }
}
