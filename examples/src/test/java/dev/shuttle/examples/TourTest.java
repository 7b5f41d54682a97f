package dev.shuttle.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.receiver.OtlpReceiver;
import dev.shuttle.receiver.ReceiverConfig;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.StoredTrace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link Tour} as a user runs it — its own JVM, exporting with the OpenTelemetry OTLP exporter
 * to the endpoint in {@code OTEL_EXPORTER_OTLP_ENDPOINT} — against Shuttle's embedded receiver, and
 * checks the promise the README makes for it: one trace per request.
 */
class TourTest {
  @Test
  void oneRequestIsOneTraceOverOtlp() throws Exception {
    try (OtlpReceiver receiver =
        OtlpReceiver.start(ReceiverConfig.builder().httpPort(-1).grpcPort(0).build())) {
      Process tour = startTour(receiver.grpcEndpoint());
      String output = new String(tour.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(tour.waitFor(60, TimeUnit.SECONDS)).as("the tour ends").isTrue();
      assertThat(tour.exitValue()).as("exit code; output:%n%s", output).isZero();

      // ShuttleOtel's close() flushed before the JVM ended: everything is in.
      List<StoredTrace> traces = receiver.store().traces();
      assertThat(traces).as("traces received").hasSize(1);
      StoredTrace trace = traces.get(0);
      assertThat(trace.serviceName()).isEqualTo("tour");
      assertThat(trace.root()).map(StoredSpan::name).hasValue("handle-request");
      List<String> names = trace.spans().stream().map(StoredSpan::name).toList();
      assertThat(names)
          .containsOnlyOnce("handle-request", "errgroup-tasks")
          .contains("errgroup-task", "process-order", "process-job");
      assertThat(names.stream().filter("errgroup-task"::equals)).hasSize(3);
      assertThat(names.stream().filter("process-order"::equals)).hasSize(3);
      assertThat(trace.spans().stream().filter(StoredSpan::isRoot)).hasSize(1);
    }
  }

  private static Process startTour(String endpoint) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Tour.class.getName())
            .redirectErrorStream(true);
    builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
    builder.environment().put("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    builder.environment().put("OTEL_METRICS_EXPORTER", "none");
    builder.environment().put("OTEL_LOGS_EXPORTER", "none");
    return builder.start();
  }
}
