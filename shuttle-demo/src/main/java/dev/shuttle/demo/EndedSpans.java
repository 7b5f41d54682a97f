package dev.shuttle.demo;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the sampled spans ended in the demo's SDK: the spans its OTLP exporter is to deliver, so
 * that the demo knows how many the receiver must hold.
 *
 * <p>Thread-safe: spans end on any thread; the count is an atomic counter.
 */
final class EndedSpans implements SpanProcessor {
  private final AtomicLong ended = new AtomicLong();

  /** Sampled spans ended so far. */
  long count() {
    return ended.get();
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (span.getSpanContext().isSampled()) {
      ended.incrementAndGet();
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }
}
