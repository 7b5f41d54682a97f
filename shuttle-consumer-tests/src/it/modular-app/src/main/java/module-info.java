/** A user's modular application: Shuttle's patterns, its OpenTelemetry set-up and its receiver. */
module app {
  requires dev.shuttle;
  requires dev.shuttle.otel;
  requires dev.shuttle.receiver;
}
