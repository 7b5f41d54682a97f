package dev.shuttle.receiver.viewer;

import static dev.shuttle.receiver.LiveExports.export;
import static dev.shuttle.receiver.LiveExports.goroutine;
import static dev.shuttle.receiver.LiveExports.resource;
import static dev.shuttle.receiver.LiveExports.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.shuttle.receiver.LiveSender;
import dev.shuttle.receiver.OtlpReceiver;
import dev.shuttle.receiver.RawHttp;
import dev.shuttle.receiver.ReceiverConfig;
import dev.shuttle.receiver.TelemetryStore;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET /api/running}, and the {@code running} goroutines of {@code GET /api/traces/{id}}: the
 * live view's records sent over real OTLP (HTTP and gRPC) through the OpenTelemetry SDK, shown with
 * every field; a goroutine hidden once its own span arrived; hostile strings bounded and escaped.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ViewerRunningApiTest {

  @Test
  void withNothingReportedTheAnswerHasNoProcesses() throws Exception {
    try (ViewerServer viewer = Viewers.start(TelemetryStore.create())) {
      JsonObject running = Viewers.getJson(viewer, "/api/running");
      assertThat(running.getAsJsonArray("processes")).isEmpty();
      assertThat(running.get("droppedRecords").getAsLong()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "grpc"})
  void goroutinesSentOverOtlpAreShownWithTheirTraceUntilTheirOwnSpanArrives(String protocol)
      throws Exception {
    try (OtlpReceiver receiver =
            OtlpReceiver.start(ReceiverConfig.builder().httpPort(0).grpcPort(0).build());
        ViewerServer viewer = Viewers.start(receiver.store());
        SdkTracerProvider tracing =
            SdkTracerProvider.builder()
                .setResource(Resource.builder().put("service.name", "shop").build())
                .addSpanProcessor(
                    SimpleSpanProcessor.create(
                        OtlpHttpSpanExporter.builder()
                            .setEndpoint(receiver.httpEndpoint() + "/v1/traces")
                            .build()))
                .build();
        LiveSender sender =
            protocol.equals("grpc")
                ? LiveSender.grpc(receiver.grpcEndpoint(), LiveSender.resource("shop", "shop-1"))
                : LiveSender.http(receiver.httpEndpoint(), LiveSender.resource("shop", "shop-1"))) {
      // given: a request in flight, with a goroutine blocked under a span of its own
      Span root = tracing.get("shop").spanBuilder("checkout").startSpan();
      Span resize;
      try (Scope ignored = root.makeCurrent()) {
        resize = tracing.get("shop").spanBuilder("resize").startSpan();
      }
      SpanContext rootContext = root.getSpanContext();
      String traceId = rootContext.getTraceId();
      Instant at = Instant.now();
      long blockedSince = TimeUnit.MILLISECONDS.toNanos(at.toEpochMilli()) - 2_000_000_000L;
      CountDownLatch rounds = new CountDownLatch(1);
      receiver.store().addRunningListener(closed -> rounds.countDown());

      // when: one round is sent over OTLP
      sender.running(
          at,
          resize.getSpanContext(),
          "goroutine 41 \"shuttle-go-7\" [chan send on jobs (len 10, cap 10), 2 s]",
          Attributes.builder()
              .put("shuttle.goroutine.id", 41L)
              .put("shuttle.goroutine.name", "shuttle-go-7")
              .put("shuttle.goroutine.owner", "pool images")
              .put("shuttle.goroutine.parent_id", 1L)
              .put("shuttle.goroutine.state", "blocked")
              .put("shuttle.goroutine.blocked_on", "chan send on jobs (len 10, cap 10)")
              .put("shuttle.goroutine.blocked_on.kind", "chan send")
              .put("shuttle.goroutine.blocked_since", blockedSince)
              .put("shuttle.goroutine.started_at", blockedSince - 1_000_000L)
              .put("shuttle.goroutine.span_name", "resize")
              .put("shuttle.goroutine.parent_span_id", rootContext.getSpanId())
              .put("shuttle.goroutines.round", 1L)
              .build());
      sender.running(
          at,
          rootContext,
          "goroutine 1 \"main\" [running]",
          Attributes.builder()
              .put("shuttle.goroutine.id", 1L)
              .put("shuttle.goroutine.name", "main")
              .put("shuttle.goroutine.state", "running")
              .put("shuttle.goroutines.round", 1L)
              .build());
      sender.snapshot(at, 1, 2, 1, 60_000);
      assertThat(sender.flush()).isTrue();
      assertThat(rounds.await(10, TimeUnit.SECONDS)).isTrue();

      // then: the process, its round and both goroutines
      JsonObject process =
          Viewers.getJson(viewer, "/api/running")
              .getAsJsonArray("processes")
              .get(0)
              .getAsJsonObject();
      assertThat(process.get("service").getAsString()).isEqualTo("shop");
      assertThat(process.get("instanceId").getAsString()).isEqualTo("shop-1");
      assertThat(process.get("round").getAsLong()).isEqualTo(1);
      assertThat(process.get("complete").getAsBoolean()).isTrue();
      assertThat(process.get("intervalMs").getAsLong()).isEqualTo(60_000);
      assertThat(process.get("roundUnixMillis").getAsDouble())
          .isEqualTo((double) at.toEpochMilli(), within(1));
      JsonArray goroutines = process.getAsJsonArray("goroutines");
      assertThat(goroutines).hasSize(2);
      JsonObject blocked = goroutines.get(0).getAsJsonObject();
      assertThat(blocked.get("id").getAsLong()).isEqualTo(41);
      assertThat(blocked.get("name").getAsString()).isEqualTo("shuttle-go-7");
      assertThat(blocked.get("owner").getAsString()).isEqualTo("pool images");
      assertThat(blocked.get("parentId").getAsLong()).isEqualTo(1);
      assertThat(blocked.get("state").getAsString()).isEqualTo("blocked");
      assertThat(blocked.get("blockedOn").getAsString())
          .isEqualTo("chan send on jobs (len 10, cap 10)");
      assertThat(blocked.get("blockedOnKind").getAsString()).isEqualTo("chan send");
      assertThat(blocked.get("blockedForNanos").getAsLong())
          .isBetween(1_999_000_000L, 2_001_000_000L);
      assertThat(blocked.get("traceId").getAsString()).isEqualTo(traceId);
      assertThat(blocked.get("spanId").getAsString())
          .isEqualTo(resize.getSpanContext().getSpanId());
      assertThat(blocked.get("spanName").getAsString()).isEqualTo("resize");
      assertThat(blocked.get("parentSpanId").getAsString()).isEqualTo(rootContext.getSpanId());
      assertThat(blocked.get("placedUnderSpanId").getAsString()).isEqualTo(rootContext.getSpanId());
      assertThat(blocked.get("body").getAsString()).startsWith("goroutine 41 ");
      JsonObject main = goroutines.get(1).getAsJsonObject();
      assertThat(main.get("spanName").isJsonNull()).isTrue();
      assertThat(main.get("blockedOn").isJsonNull()).isTrue();
      assertThat(main.get("placedUnderSpanId").getAsString()).isEqualTo(rootContext.getSpanId());

      // and: the trace, none of whose spans ended yet, answers with the running goroutines
      JsonObject trace = Viewers.getJson(viewer, "/api/traces/" + traceId);
      assertThat(trace.getAsJsonArray("spans")).isEmpty();
      assertThat(trace.getAsJsonArray("running")).hasSize(2);
      assertThat(trace.getAsJsonArray("services").get(0).getAsString()).isEqualTo("shop");

      // when: the goroutine's own span ends and arrives
      resize.end();
      assertThat(receiver.store().awaitSpans(1, java.time.Duration.ofSeconds(10))).isTrue();

      // then: only the goroutine without an own span still runs in the trace
      JsonObject after = Viewers.getJson(viewer, "/api/traces/" + traceId);
      assertThat(after.getAsJsonArray("spans")).hasSize(1);
      assertThat(after.getAsJsonArray("running")).hasSize(1);
      JsonObject stillRunning = after.getAsJsonArray("running").get(0).getAsJsonObject();
      assertThat(stillRunning.get("id").getAsLong()).isEqualTo(1);
      assertThat(stillRunning.get("startOffsetNanos").getAsLong())
          .isNotNegative(); // after resize began
      root.end();
    }
  }

  @Test
  void anUnknownTraceIsStillNotFound() throws Exception {
    TelemetryStore store = TelemetryStore.create();
    store.addLogs(
        export(
            resource("shop", ""),
            goroutine(1, 1).in("5b8efff798038103d269b633813fc60c", "1111111111111111").build(),
            snapshot(1, 1, 0, 1000)));
    try (ViewerServer viewer = Viewers.start(store)) {
      assertThat(Viewers.get(viewer, "/api/traces/0af7651916cd43dd8448eb211c80319c").status())
          .isEqualTo(404);
      assertThat(Viewers.get(viewer, "/api/traces/5b8efff798038103d269b633813fc60c").status())
          .isEqualTo(200);
    }
  }

  @Test
  void hostileStringsAreBoundedAndEscaped() throws Exception {
    // given: markup and control characters in every string
    String hostile = "</script><img src=x onerror=alert(1)>\u0000\u001b[2J\u202e";
    TelemetryStore store = TelemetryStore.create();
    store.addLogs(
        export(
            resource(hostile, hostile),
            goroutine(1, 1)
                .name(hostile)
                .owner(hostile.repeat(100))
                .blocked(hostile, hostile, 1)
                .ownSpan("5b8efff798038103d269b633813fc60c", "2222222222222222", hostile, hostile)
                .build(),
            snapshot(1, 1, 1, 1000)));

    try (ViewerServer viewer = Viewers.start(store)) {
      // when
      RawHttp.Response response = Viewers.get(viewer, "/api/running");

      // then: no markup in the bytes, the strings intact (or cut) once parsed
      assertThat(response.bodyText()).doesNotContain("<").doesNotContain(">");
      JsonObject process =
          Viewers.json(response).getAsJsonArray("processes").get(0).getAsJsonObject();
      assertThat(process.get("service").getAsString()).isEqualTo(hostile);
      JsonObject g = process.getAsJsonArray("goroutines").get(0).getAsJsonObject();
      assertThat(g.get("name").getAsString()).isEqualTo(hostile);
      assertThat(g.get("blockedOn").getAsString()).isEqualTo(hostile);
      assertThat(g.get("owner").getAsString()).hasSizeLessThanOrEqualTo(256).endsWith("…");
      assertThat(g.get("spanName").getAsString()).isEqualTo(hostile);
      assertThat(g.get("parentSpanId").isJsonNull()).isTrue();
    }
  }

  private static org.assertj.core.data.Offset<Double> within(double offset) {
    return org.assertj.core.data.Offset.offset(offset);
  }
}
