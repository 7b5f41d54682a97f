/**
 * An embedded OTLP receiver: OTLP/HTTP (protobuf and JSON) and OTLP/gRPC endpoints feeding a
 * bounded in-memory {@link dev.shuttle.receiver.TelemetryStore}, with OTLP/JSON dumps.
 */
@NullMarked
package dev.shuttle.receiver;

import org.jspecify.annotations.NullMarked;
