package dev.shuttle.bench;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;

/** A context whose current span belongs to a trace its caller chose not to sample. */
final class Unsampled {
  private static final SpanContext PARENT =
      SpanContext.create(
          "0af7651916cd43dd8448eb211c80319c",
          "b7ad6b7169203331",
          TraceFlags.getDefault(),
          TraceState.getDefault());

  private Unsampled() {}

  static Context context() {
    return Context.root().with(Span.wrap(PARENT));
  }
}
