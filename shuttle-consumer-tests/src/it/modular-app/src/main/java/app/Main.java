package app;

import dev.shuttle.channel.Channel;
import dev.shuttle.otel.ShuttleOtel;
import dev.shuttle.sync.ErrGroup;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs an errgroup and a channel inside one request span on the module path, and fails (exit 1)
 * unless every span Shuttle made is in the request's trace.
 */
public final class Main {
  public static void main(String[] args) throws Exception {
    List<ReadableSpan> ended = new CopyOnWriteArrayList<>();
    String traceId;
    try (ShuttleOtel otel =
        ShuttleOtel.builder().serviceName("modular-app").addSpanProcessor(recorder(ended)).start()) {
      ShuttleTelemetry.use(otel.openTelemetry());
      Span request = otel.openTelemetry().getTracer("app").spanBuilder("request").startSpan();
      traceId = request.getSpanContext().getTraceId();
      try (Scope ignored = request.makeCurrent()) {
        ErrGroup group = ErrGroup.builder(Context.current()).span("fetch").build();
        Channel<String> pages = Channel.buffered(2);
        group.go("fetch-page", Attributes.empty(), () -> pages.send("page-1"));
        group.go("fetch-page", Attributes.empty(), () -> pages.send("page-2"));
        group.await();
        System.out.println("received " + pages.receive() + " and " + pages.receive());
      } finally {
        request.end();
      }
    }
    List<String> names = ended.stream().map(ReadableSpan::getName).sorted().toList();
    System.out.println("spans: " + names);
    boolean oneTrace =
        ended.stream().allMatch(s -> s.getSpanContext().getTraceId().equals(traceId));
    if (!oneTrace || !names.containsAll(List.of("request", "fetch", "fetch-page"))) {
      System.err.println("expected one trace with request, fetch and fetch-page spans");
      System.exit(1);
    }
  }

  private static SpanProcessor recorder(List<ReadableSpan> ended) {
    return new SpanProcessor() {
      @Override
      public void onStart(Context parent, ReadWriteSpan span) {}

      @Override
      public boolean isStartRequired() {
        return false;
      }

      @Override
      public void onEnd(ReadableSpan span) {
        ended.add(span);
      }

      @Override
      public boolean isEndRequired() {
        return true;
      }
    };
  }

  private Main() {}
}
