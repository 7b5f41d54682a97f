/**
 * One-call OpenTelemetry SDK set-up for applications that use Shuttle: traces, metrics and logs
 * exported over OTLP, configured through the standard {@code OTEL_*} variables and a small builder,
 * with a flush on close and on JVM shutdown.
 */
@NullMarked
package dev.shuttle.otel;

import org.jspecify.annotations.NullMarked;
