/** A user's modular application: Shuttle's patterns and its OpenTelemetry set-up. */
module app {
  requires dev.shuttle;
  requires dev.shuttle.otel;
}
