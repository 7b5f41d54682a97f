package dev.shuttle.receiver;

import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.otel.ShuttleOtel;
import io.opentelemetry.api.trace.Tracer;
import java.time.Duration;

/**
 * An application that sets up shuttle-otel and exits without closing it; run in a child JVM by
 * {@link ShutdownHookTest}.
 */
final class ForgetfulApp {
  private ForgetfulApp() {}

  public static void main(String[] args) {
    String endpoint = args[0];
    int spans = Integer.parseInt(args[1]);
    ShuttleOtel otel =
        ShuttleOtel.builder()
            .serviceName("forgetful")
            .endpoint(endpoint)
            .protocol(OtlpProtocol.GRPC)
            .batchScheduleDelay(Duration.ofHours(1)) // only the shutdown hook exports
            .batchMaxQueueSize(2 * spans)
            .batchMaxExportBatchSize(spans)
            .property("otel.metrics.exporter", "none")
            .property("otel.logs.exporter", "none")
            .start();
    Tracer tracer = otel.sdk().getTracer("forgetful");
    for (int i = 0; i < spans; i++) {
      tracer.spanBuilder("forgotten-" + i).startSpan().end();
    }
    System.out.println("created " + spans + " spans; exiting without close");
    System.exit(0);
  }
}
