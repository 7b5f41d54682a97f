/**
 * Shuttle core: Go's concurrency patterns on virtual threads, instrumented with the OpenTelemetry
 * API. Exports the API packages only; {@code dev.shuttle.internal} stays inside.
 */
module dev.shuttle {
  requires transitive io.opentelemetry.api;
  requires transitive io.opentelemetry.context;
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;
  requires java.management;

  exports dev.shuttle;
  exports dev.shuttle.channel;
  exports dev.shuttle.context;
  exports dev.shuttle.flow;
  exports dev.shuttle.inspect;
  exports dev.shuttle.metrics;
  exports dev.shuttle.pool;
  exports dev.shuttle.sync;
  exports dev.shuttle.telemetry;
}
