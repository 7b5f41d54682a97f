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
 * sampler, lazy spans, and one context reused by several goroutines. The guide's {@code sync.Pool}
 * has no counterpart: see docs/metrics.md.
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
    Tracer tracer = openTelemetry.getTracer("performance");
    avoidOverTracing(tracer);
    useSampling(tracer, Context.root().with(Span.wrap(UNSAMPLED_PARENT))); // dropped
    useSampling(tracer, Context.root()); // recorded
    lazySpanCreation(tracer, false);
    lazySpanCreation(tracer, true);
    reuseContext(tracer);
  }

  /** 1. One span for the whole batch, an event every {@value #EVENT_EVERY} items. */
  static void avoidOverTracing(Tracer tracer) {
    Span span =
        tracer
            .spanBuilder("batch-operation")
            .setAttribute(longKey("batch.items"), BATCH_ITEMS)
            .startSpan();
    try {
      for (int i = 0; i < BATCH_ITEMS; i++) {
        // the item's work goes here
        if (i % EVENT_EVERY == 0) {
          span.addEvent("processed " + i + " items");
        }
      }
    } finally {
      span.end();
    }
  }

  /**
   * 2. Always starts the span; the SDK's sampler decides whether it is recorded (Shuttle fixes the
   * guide, whose if-statement bypasses the sampler). A goroutine under it follows the decision.
   */
  static void useSampling(Tracer tracer, Context parent) throws Exception {
    Span span = tracer.spanBuilder("sampled-operation").setParent(parent).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Go.start(Context.current(), "sampled-child", Attributes.empty(), () -> null).join();
    } finally {
      span.end();
    }
  }

  /** 3. Creates the span only when tracing is wanted; ending the invalid span is a no-op. */
  static void lazySpanCreation(Tracer tracer, boolean needsTracing) {
    Span span = needsTracing ? tracer.spanBuilder("lazy-operation").startSpan() : Span.getInvalid();
    try (Scope ignored = span.makeCurrent()) {
      Span.current().addEvent("work done"); // the work; a no-op when not traced
    } finally {
      span.end();
    }
  }

  /** 4. One parent context, reused by two goroutines: both are children of parent-operation. */
  static void reuseContext(Tracer tracer) throws InterruptedException {
    Span span = tracer.spanBuilder("parent-operation").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      WaitGroup wg = WaitGroup.create();
      wg.go("child-operation", Attributes.empty(), () -> {});
      wg.go("another-child", Attributes.empty(), () -> {});
      wg.await();
    } finally {
      span.end();
    }
  }
}
