/**
 * Where Shuttle's telemetry goes, and the names it uses.
 *
 * <p>Shuttle depends on the OpenTelemetry API only. By default it uses {@link
 * io.opentelemetry.api.GlobalOpenTelemetry} once an application (or the OpenTelemetry Java agent)
 * has set it, and no-op instruments until then; {@link dev.shuttle.telemetry.ShuttleTelemetry}
 * overrides that. Every span name, attribute key and instrument name that Shuttle emits is a
 * constant in this package, so dashboards and tests can refer to them.
 */
@NullMarked
package dev.shuttle.telemetry;

import org.jspecify.annotations.NullMarked;
