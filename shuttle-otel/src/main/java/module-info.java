/**
 * Shuttle's one-call OpenTelemetry SDK set-up for applications: {@link
 * dev.shuttle.otel.ShuttleOtel} starts the SDK (traces, metrics and logs over OTLP, configured by
 * the {@code OTEL_*} variables and its builder) and flushes it on close and at JVM exit.
 *
 * <p>The OpenTelemetry modules whose types a user of this module's API meets are read transitively:
 * the API and context ({@code OpenTelemetry} and its propagators), the SDK ({@code
 * OpenTelemetrySdk}), and the SDK parts that {@code ShuttleOtelBuilder} takes ({@code
 * SpanProcessor}, {@code MetricReader}) or that {@link dev.shuttle.otel.ShuttleOtel#sdk()} hands
 * out (the tracer, meter and logger providers, {@code CompletableResultCode}). The OTLP exporter is
 * required although no type of it is named here: the SDK's autoconfiguration finds it with {@link
 * java.util.ServiceLoader}, and the requirement keeps it in the module graph. All OpenTelemetry
 * jars are automatic modules, read through their {@code Automatic-Module-Name}.
 *
 * <p>On the module path an application adds {@code --add-modules okhttp3} to its {@code java}
 * command: the exporter sends through OkHttp, an explicit module that no module requires, since the
 * exporter's sender is an automatic module.
 */
module dev.shuttle.otel {
  requires transitive io.opentelemetry.api;
  requires transitive io.opentelemetry.context;
  requires transitive io.opentelemetry.sdk;
  requires transitive io.opentelemetry.sdk.common;
  requires transitive io.opentelemetry.sdk.trace;
  requires transitive io.opentelemetry.sdk.metrics;
  requires transitive io.opentelemetry.sdk.logs;
  requires io.opentelemetry.sdk.autoconfigure;
  requires io.opentelemetry.sdk.autoconfigure.spi;
  requires io.opentelemetry.exporter.otlp;
  requires static transitive org.jspecify;

  exports dev.shuttle.otel;
}
