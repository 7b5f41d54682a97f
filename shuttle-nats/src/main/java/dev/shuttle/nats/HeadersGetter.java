package dev.shuttle.nats;

import io.nats.client.impl.Headers;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.jspecify.annotations.Nullable;

/**
 * Lets a {@code TextMapPropagator} read NATS headers, case-insensitively, giving it no value longer
 * than {@link NatsHeaders#MAX_PROPAGATED_LENGTH} and none outside printable ASCII.
 */
enum HeadersGetter implements TextMapGetter<Headers> {
  INSTANCE;

  @Override
  public @Nullable String get(@Nullable Headers carrier, String key) {
    if (carrier == null) {
      return null;
    }
    return HeaderText.joined(carrier.getIgnoreCase(key), NatsHeaders.MAX_PROPAGATED_LENGTH);
  }
}
