package app;

import dev.shuttle.channel.Channel;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.otel.ShuttleOtel;
import dev.shuttle.receiver.OtlpReceiver;
import dev.shuttle.receiver.ReceiverConfig;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.StoredTrace;
import dev.shuttle.sync.ErrGroup;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.List;

/**
 * On the module path: runs an errgroup and a channel inside one request span, exports the spans
 * over OTLP/gRPC to Shuttle's receiver in the same JVM, and fails (exit 1) unless the receiver holds
 * them as one trace.
 */
public final class Main {
  public static void main(String[] args) throws Exception {
    try (OtlpReceiver receiver =
        OtlpReceiver.start(ReceiverConfig.builder().httpPort(0).grpcPort(0).build())) {
      try (ShuttleOtel otel =
          ShuttleOtel.builder()
              .serviceName("modular-app")
              .endpoint(receiver.grpcEndpoint())
              .protocol(OtlpProtocol.GRPC)
              .property("otel.metrics.exporter", "none")
              .property("otel.logs.exporter", "none")
              .start()) {
        ShuttleTelemetry.use(otel.openTelemetry());
        Span request = otel.openTelemetry().getTracer("app").spanBuilder("request").startSpan();
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
      } // flushed over OTLP

      List<StoredTrace> traces = receiver.store().traces();
      List<String> names =
          traces.stream().flatMap(t -> t.spans().stream()).map(StoredSpan::name).sorted().toList();
      System.out.println(traces.size() + " trace(s) received: " + names);
      if (traces.size() != 1 || !names.equals(List.of("fetch", "fetch-page", "fetch-page", "request"))) {
        System.err.println("expected one trace: request, fetch and two fetch-page spans");
        System.exit(1);
      }
    }
  }

  private Main() {}
}
