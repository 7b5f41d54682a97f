package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.otel.ShuttleOtel;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An application set up through shuttle-otel, with the receiver down, then up again. */
class BackendDownTest {

  private static ShuttleOtel otel(OtlpProtocol protocol, String endpoint) {
    return ShuttleOtel.builder()
        .serviceName("backend-down")
        .endpoint(endpoint)
        .protocol(protocol)
        .batchScheduleDelay(Duration.ofMillis(50))
        .batchMaxQueueSize(256)
        .batchMaxExportBatchSize(64)
        .exporterTimeout(Duration.ofMillis(500))
        .batchExportTimeout(Duration.ofMillis(1_000))
        .metricExportInterval(Duration.ofMillis(200))
        .shutdownTimeout(Duration.ofSeconds(10))
        .property("otel.logs.exporter", "none")
        .start();
  }

  private static ReceiverConfig onPort(OtlpProtocol protocol, int port) {
    return protocol == OtlpProtocol.GRPC
        ? ReceiverConfig.builder().httpPort(ReceiverConfig.DISABLED).grpcPort(port).build()
        : ReceiverConfig.builder().httpPort(port).grpcPort(ReceiverConfig.DISABLED).build();
  }

  private static String endpoint(OtlpReceiver receiver, OtlpProtocol protocol) {
    return protocol == OtlpProtocol.GRPC ? receiver.grpcEndpoint() : receiver.httpEndpoint();
  }

  private static int port(OtlpReceiver receiver, OtlpProtocol protocol) {
    return protocol == OtlpProtocol.GRPC ? receiver.grpcPort() : receiver.httpPort();
  }

  @ParameterizedTest
  @EnumSource(OtlpProtocol.class)
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void applicationNeverBlocksWhileDownAndExportResumesWhenUp(OtlpProtocol protocol)
      throws Exception {
    // given a receiver that bound a port and then stopped
    OtlpReceiver receiver = OtlpReceiver.start(onPort(protocol, 0));
    int port = port(receiver, protocol);
    String endpoint = endpoint(receiver, protocol);
    receiver.stop();

    try (ShuttleOtel otel = otel(protocol, endpoint)) {
      Tracer tracer = otel.sdk().getTracer("backend-down");
      LongCounter counter = otel.sdk().getMeter("backend-down").counterBuilder("calls").build();

      // when the application works with the backend down (after warming up class loading and JIT)
      for (int i = 0; i < 100; i++) {
        tracer.spanBuilder("warm-up").startSpan().end();
        counter.add(1);
      }
      // A round of 3,000 calls; on a shared CI machine one round may be preempted, so the slowest
      // call of the best of three rounds must stay under 50 ms. A blocking exporter is slow in
      // every round.
      long best = Long.MAX_VALUE;
      for (int round = 0; round < 3 && best >= TimeUnit.MILLISECONDS.toNanos(50); round++) {
        long worst = 0;
        for (int i = 0; i < 3_000; i++) {
          long start = System.nanoTime();
          Span span = tracer.spanBuilder("down-" + i).startSpan();
          counter.add(1);
          span.end();
          worst = Math.max(worst, System.nanoTime() - start);
        }
        best = Math.min(best, worst);
      }

      // then no instrumented call blocked
      assertThat(Duration.ofNanos(best)).isLessThan(Duration.ofMillis(50));

      // when the receiver comes back on the same port
      OtlpReceiver back = OtlpReceiver.start(onPort(protocol, port));
      try {
        assertThat(port(back, protocol)).isEqualTo(port);
        Set<String> sent = new HashSet<>();
        // Keep producing until new spans arrive: the exporter may still be backing off.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean arrived = false;
        int round = 0;
        while (!arrived && System.nanoTime() < deadline) {
          Span span = tracer.spanBuilder("up-" + round++).startSpan();
          sent.add(span.getSpanContext().getSpanId());
          span.end();
          arrived =
              back.store().awaitSpans(1, Duration.ofMillis(200))
                  && back.store().traces().stream()
                      .flatMap(t -> t.spans().stream())
                      .anyMatch(s -> sent.contains(s.spanId()));
        }
        assertThat(arrived).as("spans created after the receiver returned arrive").isTrue();
      } finally {
        back.close();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(OtlpProtocol.class)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void closingTheHandleFlushesEverySpan(OtlpProtocol protocol) throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start(onPort(protocol, 0))) {
      int n = 500;
      Set<String> sent = new HashSet<>();
      ShuttleOtel otel =
          ShuttleOtel.builder()
              .serviceName("flush")
              .endpoint(endpoint(receiver, protocol))
              .protocol(protocol)
              .batchScheduleDelay(Duration.ofHours(1)) // nothing leaves before close
              .batchMaxQueueSize(2 * n)
              .batchMaxExportBatchSize(128)
              .property("otel.logs.exporter", "none")
              .start();
      Tracer tracer = otel.sdk().getTracer("flush");
      for (int i = 0; i < n; i++) {
        Span span = tracer.spanBuilder("job-" + i).startSpan();
        sent.add(span.getSpanContext().getSpanId());
        span.end();
      }

      otel.close();

      assertThat(receiver.store().spanCount()).isEqualTo(n);
      Set<String> received = new HashSet<>();
      receiver.store().traces().forEach(t -> t.spans().forEach(s -> received.add(s.spanId())));
      assertThat(received).isEqualTo(sent);
    }
  }
}
