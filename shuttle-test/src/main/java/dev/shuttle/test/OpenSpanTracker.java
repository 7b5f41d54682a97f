package dev.shuttle.test;

import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * A {@link SpanProcessor} that tells {@link ShuttleLeakCheck} which Shuttle spans (instrumentation
 * scope {@value ShuttleTelemetry#INSTRUMENTATION_SCOPE}) have started and not ended. Add one to
 * every SDK a test builds for Shuttle; it exports nothing and ignores spans of other scopes.
 *
 * {@snippet :
 * OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
 *     .setTracerProvider(SdkTracerProvider.builder()
 *         .addSpanProcessor(ShuttleLeakCheck.spanProcessor())
 *         .addSpanProcessor(SimpleSpanProcessor.create(exporter))
 *         .build())
 *     .build();
 * ShuttleTelemetry.use(sdk);
 * }
 *
 * <p>All instances record to one registry per class loader, so a test may build as many SDKs as it
 * likes. Instances are thread-safe; shutting one down changes nothing (spans that are still open
 * when their SDK closes stay open).
 */
public final class OpenSpanTracker implements SpanProcessor {

  /** Use {@link ShuttleLeakCheck#spanProcessor()}. */
  OpenSpanTracker() {}

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    if (ShuttleTelemetry.INSTRUMENTATION_SCOPE.equals(
        span.getInstrumentationScopeInfo().getName())) {
      OpenSpans.started(span);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    OpenSpans.ended(span);
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public String toString() {
    return "OpenSpanTracker";
  }
}
