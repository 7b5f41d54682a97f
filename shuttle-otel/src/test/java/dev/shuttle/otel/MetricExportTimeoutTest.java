package dev.shuttle.otel;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A metric export interval shorter than the time an export takes: the SDK alone cuts every export
 * and flush off after the interval; Shuttle gives the exporter its own timeout.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricExportTimeoutTest {
  private static final Duration SLOW_ANSWER = Duration.ofMillis(600);

  private final AtomicInteger exports = new AtomicInteger();
  private HttpServer collector;

  /** An OTLP/HTTP collector that takes {@link #SLOW_ANSWER} to accept each metrics export. */
  @BeforeEach
  void startSlowCollector() throws IOException {
    collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    collector.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    collector.createContext(
        "/v1/metrics",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          try {
            Thread.sleep(SLOW_ANSWER);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exports.incrementAndGet();
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, 0); // an empty ExportMetricsServiceResponse
          try (OutputStream body = exchange.getResponseBody()) {
            body.flush();
          }
        });
    collector.start();
  }

  @AfterEach
  void stopCollector() {
    collector.stop(0);
  }

  @Test
  void aFlushWaitsForAnExportSlowerThanTheInterval() {
    // given: metrics exported every 100 ms to a collector that answers after 600 ms
    try (ShuttleOtel otel =
        ShuttleOtel.builder()
            .endpoint("http://127.0.0.1:" + collector.getAddress().getPort())
            .protocol(OtlpProtocol.HTTP_PROTOBUF)
            .metricExportInterval(Duration.ofMillis(100))
            .property("otel.traces.exporter", "none")
            .property("otel.logs.exporter", "none")
            .shutdownHook(false)
            .start()) {
      otel.sdk().getMeter("test").counterBuilder("requests").build().add(1);

      // when
      boolean flushed = otel.flush(Duration.ofSeconds(10));

      // then: the flush waited for the collector's answer instead of giving up after 100 ms
      assertThat(flushed).isTrue();
      assertThat(exports).hasPositiveValue();
    }
  }

  @Test
  void anExplicitExporterTimeoutBelowTheIntervalLeavesTheSdksReader() {
    // given: an interval already longer than the exporter's 300 ms timeout
    try (ShuttleOtel otel =
        ShuttleOtel.builder()
            .endpoint("http://127.0.0.1:" + collector.getAddress().getPort())
            .protocol(OtlpProtocol.HTTP_PROTOBUF)
            .metricExportInterval(Duration.ofSeconds(30))
            .exporterTimeout(Duration.ofMillis(300))
            .property("otel.traces.exporter", "none")
            .property("otel.logs.exporter", "none")
            .shutdownHook(false)
            .start()) {
      otel.sdk().getMeter("test").counterBuilder("requests").build().add(1);

      // when
      boolean flushed = otel.flush(Duration.ofSeconds(10));

      // then: the exporter's own 300 ms timeout applies, and the 600 ms answer is too late
      assertThat(flushed).isFalse();
    }
  }
}
