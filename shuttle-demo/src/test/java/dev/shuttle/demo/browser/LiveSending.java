package dev.shuttle.demo.browser;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An application that sends spans (OTLP/HTTP) and the live view's log records (OTLP/gRPC, ADR 9) to
 * a receiver through the OpenTelemetry SDK, as a Shuttle process with {@code Goroutines.exportLive}
 * does: per round one {@code shuttle.goroutine.running} record per goroutine, then the {@code
 * shuttle.goroutines.snapshot} record.
 *
 * <p>Not thread-safe: a test sends from one thread.
 */
final class LiveSending implements AutoCloseable {
  private final OpenTelemetrySdk sdk;
  private final Logger logger;

  LiveSending(String httpEndpoint, String grpcEndpoint, String service) {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.builder()
                    .put("service.name", service)
                    .put("service.instance.id", service + "-1")
                    .build());
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setResource(resource)
                    .addSpanProcessor(
                        SimpleSpanProcessor.create(
                            OtlpHttpSpanExporter.builder()
                                .setEndpoint(httpEndpoint + "/v1/traces")
                                .build()))
                    .build())
            .setLoggerProvider(
                SdkLoggerProvider.builder()
                    .setResource(resource)
                    .addLogRecordProcessor(
                        BatchLogRecordProcessor.builder(
                                OtlpGrpcLogRecordExporter.builder()
                                    .setEndpoint(grpcEndpoint)
                                    .build())
                            .setScheduleDelay(Duration.ofHours(1))
                            .build())
                    .build())
            .build();
    logger = sdk.getLogsBridge().get("dev.shuttle");
  }

  Tracer tracer() {
    return sdk.getTracer("shop");
  }

  /**
   * Emits a goroutine's record of {@code round}: blocked on {@code blockedOn} for {@code
   * blockedFor} if not null, in {@code span} (none if invalid), with its own span {@code spanName}
   * (child of {@code parentSpanId}) if not null.
   */
  void goroutine(
      long round,
      long id,
      String name,
      String owner,
      @Nullable String blockedOn,
      Duration blockedFor,
      SpanContext span,
      @Nullable String spanName,
      @Nullable String parentSpanId) {
    Instant now = Instant.now();
    long nowNanos = TimeUnit.MILLISECONDS.toNanos(now.toEpochMilli());
    AttributesBuilder attributes =
        Attributes.builder()
            .put("shuttle.goroutine.id", id)
            .put("shuttle.goroutine.name", name)
            .put("shuttle.goroutine.owner", owner)
            .put("shuttle.goroutine.parent_id", 0L)
            .put("shuttle.goroutine.started_at", nowNanos - blockedFor.toNanos() - 1_000_000_000L)
            .put("shuttle.goroutines.round", round);
    if (blockedOn != null) {
      attributes
          .put("shuttle.goroutine.state", "blocked")
          .put("shuttle.goroutine.blocked_on", blockedOn)
          .put(
              "shuttle.goroutine.blocked_on.kind",
              blockedOn.substring(0, blockedOn.indexOf(" on ")))
          .put("shuttle.goroutine.blocked_since", nowNanos - blockedFor.toNanos());
    } else {
      attributes.put("shuttle.goroutine.state", "running");
    }
    if (spanName != null && parentSpanId != null) {
      attributes
          .put("shuttle.goroutine.span_name", spanName)
          .put("shuttle.goroutine.parent_span_id", parentSpanId);
    }
    logger
        .logRecordBuilder()
        .setEventName("shuttle.goroutine.running")
        .setSeverity(Severity.INFO)
        .setTimestamp(now)
        .setContext(Context.root().with(Span.wrap(span)))
        .setBody("goroutine " + id + " \"" + name + "\"")
        .setAllAttributes(attributes.build())
        .emit();
  }

  /** Emits the record closing {@code round}, and exports the round; true if it was taken. */
  boolean closeRound(long round, long count, long blocked) {
    logger
        .logRecordBuilder()
        .setEventName("shuttle.goroutines.snapshot")
        .setSeverity(Severity.INFO)
        .setTimestamp(Instant.now())
        .setContext(Context.root())
        .setAllAttributes(
            Attributes.builder()
                .put("shuttle.goroutines.round", round)
                .put("shuttle.goroutines.count", count)
                .put("shuttle.goroutines.blocked", blocked)
                .put("shuttle.goroutines.interval_ms", 60_000L)
                .build())
        .emit();
    return sdk.getSdkLoggerProvider().forceFlush().join(10, TimeUnit.SECONDS).isSuccess();
  }

  @Override
  public void close() {
    sdk.close();
  }
}
