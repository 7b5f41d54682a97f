package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;

import dev.shuttle.Go;
import dev.shuttle.sync.WaitGroup;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * The guide's "性能最佳实践": one span per batch with events at milestones, sampling left to the SDK's
 * sampler (the guide's if-statement bypasses it), lazy spans, and one context reused by several
 * goroutines. The guide's {@code sync.Pool} has no counterpart: see docs.
 */
public final class BestPracticesScenario implements Scenario {
  static final int BATCH_ITEMS = 100_000;
  static final int EVENT_EVERY = 10_000;

  /** A remote parent whose trace the caller chose not to sample. */
  static final SpanContext UNSAMPLED_PARENT =
      SpanContext.createFromRemoteParent(
          "4bf92f3577b34da6a3ce929d0e0e4736",
          "00f067aa0ba902b7",
          TraceFlags.getDefault(),
          TraceState.getDefault());

  private Tracer tracer = OpenTelemetry.noop().getTracer("performance");

  @Override
  public String name() {
    return "best-practices";
  }

  @Override
  public String description() {
    return "batch spans with milestone events, sampler-driven sampling, lazy spans, context reuse";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    tracer = openTelemetry.getTracer("performance");
    avoidOverTracing();
    useSampling(Context.root().with(Span.wrap(UNSAMPLED_PARENT)));
    useSampling(Context.root());
    lazySpanCreation(false);
    lazySpanCreation(true);
    reuseContext();
  }

  /** One span for the whole batch, an event every {@value #EVENT_EVERY} items. */
  void avoidOverTracing() {
    Span span = tracer.spanBuilder("batch-operation").startSpan();
    try {
      long checksum = 0;
      for (int i = 0; i < BATCH_ITEMS; i++) {
        checksum += Integer.hashCode(i * 31);
        if (i % EVENT_EVERY == 0) {
          span.addEvent("processed " + i + " items");
        }
      }
      span.setAttribute(longKey("batch.items"), BATCH_ITEMS);
      span.setAttribute(longKey("batch.checksum"), checksum);
    } finally {
      span.end();
    }
  }

  /**
   * Always starts the span; the SDK's sampler decides whether it is recorded (with the default
   * parent-based sampler: not under an unsampled parent). Goroutines under it follow the decision.
   */
  void useSampling(Context parent) throws Exception {
    Span span = tracer.spanBuilder("sampled-operation").setParent(parent).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Go.start(
              Context.current(),
              "sampled-child",
              Attributes.empty(),
              () -> Span.current().isRecording())
          .join();
    } finally {
      span.end();
    }
  }

  /** Creates the span only when tracing is wanted, and ends only a span it created. */
  void lazySpanCreation(boolean needsTracing) {
    Span span = needsTracing ? tracer.spanBuilder("lazy-operation").startSpan() : Span.getInvalid();
    try (Scope ignored = span.makeCurrent()) {
      Span.current().addEvent("work done"); // the business logic; a no-op when not traced
    } finally {
      span.end(); // a no-op on the invalid span
    }
  }

  /** One parent context, passed to two goroutines: both children of parent-operation. */
  void reuseContext() throws InterruptedException {
    Span span = tracer.spanBuilder("parent-operation").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      WaitGroup wg = new WaitGroup();
      wg.go(() -> childOperation("child-operation"));
      wg.go(() -> childOperation("another-child"));
      wg.await();
    } finally {
      span.end();
    }
  }

  private void childOperation(String name) {
    Span child = tracer.spanBuilder(name).startSpan(); // parent: the current, reused context
    child.end();
  }
}
