package dev.shuttle.internal;

import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.metrics.Meter;
import java.util.function.Function;

/**
 * A value built from Shuttle's meter (typically a set of instruments), rebuilt when {@link
 * ShuttleTelemetry} switches to another OpenTelemetry instance.
 *
 * <p>Implementation note: {@code cached} is an immutable (meter, value) pair published through a
 * volatile field; a reader whose meter differs builds a new pair. Concurrent rebuilds produce
 * equivalent values (OTel instruments with the same name are shared by the SDK), so the last write
 * wins harmlessly.
 *
 * @param <T> the value's type
 */
public final class PerOpenTelemetry<T> {
  private final Function<Meter, T> factory;
  private volatile Cached<T> cached;

  /** Creates a cache of values built by {@code factory}. */
  public PerOpenTelemetry(Function<Meter, T> factory) {
    this.factory = factory;
    Meter meter = ShuttleTelemetry.meter();
    this.cached = new Cached<>(meter, factory.apply(meter));
  }

  /** Returns the value for the current meter. */
  public T get() {
    Meter meter = ShuttleTelemetry.meter();
    Cached<T> current = cached;
    if (!current.meter.equals(meter)) {
      current = new Cached<>(meter, factory.apply(meter));
      cached = current;
    }
    return current.value;
  }

  private record Cached<T>(Meter meter, T value) {}
}
