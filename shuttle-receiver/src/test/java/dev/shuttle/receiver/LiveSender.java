package dev.shuttle.receiver;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Sends the live view's log records (ADR 9) as a Shuttle process does, through the OpenTelemetry
 * SDK's Logs API and its OTLP exporter over a real socket: {@code sdk.getLogsBridge().get(
 * "dev.shuttle")}, a batch processor that keeps their order.
 *
 * <p>Not thread-safe: one test sends from one thread.
 */
public final class LiveSender implements AutoCloseable {
  private final OpenTelemetrySdk sdk;
  private final Logger logger;

  private LiveSender(LogRecordExporter exporter, Resource resource) {
    sdk =
        OpenTelemetrySdk.builder()
            .setLoggerProvider(
                SdkLoggerProvider.builder()
                    .setResource(resource)
                    .addLogRecordProcessor(
                        BatchLogRecordProcessor.builder(exporter)
                            .setScheduleDelay(Duration.ofHours(1))
                            .build())
                    .build())
            .build();
    logger = sdk.getLogsBridge().get("dev.shuttle");
  }

  /** Sends over OTLP/HTTP to {@code endpoint} (a receiver's {@code httpEndpoint()}). */
  public static LiveSender http(String endpoint, Resource resource) {
    return new LiveSender(
        OtlpHttpLogRecordExporter.builder().setEndpoint(endpoint + "/v1/logs").build(), resource);
  }

  /** Sends over OTLP/gRPC to {@code endpoint} (a receiver's {@code grpcEndpoint()}). */
  public static LiveSender grpc(String endpoint, Resource resource) {
    return new LiveSender(
        OtlpGrpcLogRecordExporter.builder().setEndpoint(endpoint).build(), resource);
  }

  /** A resource with {@code service.name} and {@code service.instance.id}. */
  public static Resource resource(String service, String instance) {
    return Resource.builder()
        .put("service.name", service)
        .put("service.instance.id", instance)
        .build();
  }

  /** Emits one goroutine's record of a round, in {@code span} (or untraced if invalid). */
  public void running(Instant at, SpanContext span, String body, Attributes attributes) {
    logger
        .logRecordBuilder()
        .setEventName("shuttle.goroutine.running")
        .setSeverity(Severity.INFO)
        .setTimestamp(at)
        .setContext(Context.root().with(Span.wrap(span)))
        .setBody(body)
        .setAllAttributes(attributes)
        .emit();
  }

  /** Emits the record that closes round {@code round}. */
  public void snapshot(Instant at, long round, long count, long blocked, long intervalMillis) {
    logger
        .logRecordBuilder()
        .setEventName("shuttle.goroutines.snapshot")
        .setSeverity(Severity.INFO)
        .setTimestamp(at)
        .setContext(Context.root())
        .setBody(count + " goroutines, " + blocked + " blocked")
        .setAllAttributes(
            Attributes.builder()
                .put("shuttle.goroutines.round", round)
                .put("shuttle.goroutines.count", count)
                .put("shuttle.goroutines.blocked", blocked)
                .put("shuttle.goroutines.interval_ms", intervalMillis)
                .build())
        .emit();
  }

  /** Exports what was emitted; true if the receiver took it. */
  public boolean flush() {
    return sdk.getSdkLoggerProvider().forceFlush().join(10, TimeUnit.SECONDS).isSuccess();
  }

  @Override
  public void close() {
    sdk.close();
  }
}
