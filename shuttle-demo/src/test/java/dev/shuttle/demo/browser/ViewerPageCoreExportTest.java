package dev.shuttle.demo.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.Go;
import dev.shuttle.Goroutines;
import dev.shuttle.channel.Channel;
import dev.shuttle.context.Stoppable;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.otel.ShuttleOtel;
import dev.shuttle.receiver.OtlpReceiver;
import dev.shuttle.receiver.ReceiverConfig;
import dev.shuttle.receiver.RunningGoroutine;
import dev.shuttle.receiver.viewer.ViewerConfig;
import dev.shuttle.receiver.viewer.ViewerServer;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * End to end with Shuttle's own live export: a goroutine blocked on a channel under a span, {@code
 * Goroutines.exportLive} over real OTLP (shuttle-otel's SDK set-up, gRPC and HTTP) to a real {@link
 * OtlpReceiver}; {@code /api/running} shows it in the right trace with what it waits on, and so
 * does the Running now page in Chromium.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ViewerPageCoreExportTest extends ViewerPageTestBase {
  private OtlpReceiver receiver;

  @BeforeEach
  void startReceiver() throws IOException {
    viewer.close(); // the page shows the receiver's store instead
    receiver =
        OtlpReceiver.start(
            ReceiverConfig.builder().bindAddress("127.0.0.1").httpPort(0).grpcPort(0).build());
    store = receiver.store();
    viewer = ViewerServer.start(store, ViewerConfig.builder().port(0).build());
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @ParameterizedTest
  @EnumSource(OtlpProtocol.class)
  void aBlockedGoroutineExportedLiveIsShownInItsTrace(OtlpProtocol protocol) throws Exception {
    try (ShuttleOtel otel =
        ShuttleOtel.builder()
            .serviceName("live-shop")
            .endpoint(
                protocol == OtlpProtocol.GRPC ? receiver.grpcEndpoint() : receiver.httpEndpoint())
            .protocol(protocol)
            .sampler("parentbased_always_on")
            .batchScheduleDelay(Duration.ofMillis(50))
            .start()) {
      ShuttleTelemetry.use(otel.sdk());
      Channel<String> payments = Channel.builder().name("payments").build();
      Span checkout = otel.sdk().getTracer("test").spanBuilder("checkout").startSpan();
      String traceId = checkout.getSpanContext().getTraceId();
      CompletableFuture<RunningGoroutine> seen = new CompletableFuture<>();
      store.addRunningListener(
          rounds ->
              store.runningInTrace(traceId).stream()
                  .filter(RunningGoroutine::blocked)
                  .findFirst()
                  .ifPresent(seen::complete));
      Stoppable live = Goroutines.exportLive(Duration.ofMillis(100));
      try {
        // given: a goroutine blocked on a channel, under the checkout span
        try (Scope ignored = Context.current().with(checkout).makeCurrent()) {
          Go.go(Context.current(), "await-payment", Attributes.empty(), payments::receive);
        }

        // when: a round of the live export arrives
        RunningGoroutine goroutine = seen.get(30, TimeUnit.SECONDS);

        // then: the store has it in the right trace, under its own span, child of checkout
        assertThat(goroutine.blockedOn()).startsWith("chan receive on payments");
        assertThat(goroutine.spanName()).isEqualTo("await-payment");
        assertThat(goroutine.parentSpanId()).isEqualTo(checkout.getSpanContext().getSpanId());

        // and: /api/running shows it with the right trace id
        List<Map<String, Object>> shown = goroutinesOf(InPageApi.running(this));
        assertThat(shown)
            .filteredOn(g -> traceId.equals(g.get("traceId")))
            .singleElement()
            .satisfies(
                g -> {
                  assertThat(g.get("state")).isEqualTo("blocked");
                  assertThat((String) g.get("blockedOn")).startsWith("chan receive on payments");
                  assertThat(g.get("spanName")).isEqualTo("await-payment");
                });

        // and: the Running now page lists it, linked to its trace
        open("/running");
        waiting()
            .until(
                d ->
                    InPage.run(
                            d,
                            "return [...document.querySelectorAll(\"[data-testid='running-row']\")]"
                                + ".some(r => r.dataset.traceId === arguments[0]"
                                + " && r.cells[1].textContent.startsWith('blocked on chan receive on payments'))",
                            traceId)
                        .equals(true));
      } finally {
        live.stop();
        payments.close();
        checkout.end();
        ShuttleTelemetry.useGlobal();
      }
    }
  }

  @SuppressWarnings("unchecked") // the API's JSON: arrays of objects
  private static List<Map<String, Object>> goroutinesOf(Map<String, Object> running) {
    return ((List<Map<String, Object>>) running.get("processes"))
        .stream().flatMap(p -> ((List<Map<String, Object>>) p.get("goroutines")).stream()).toList();
  }

  /** {@code GET /api/running} from the page's origin, parsed as the page gets it. */
  private static final class InPageApi {
    static Map<String, Object> running(ViewerPageCoreExportTest test) {
      test.open("/running");
      return InPage.getObject(driver(), "/api/running");
    }
  }
}
