package dev.shuttle.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.telemetry.ShuttleTelemetry;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Writing goes through whatever propagator Shuttle is configured with, ASCII values only. */
class NatsHeadersPropagatorTest {
  /** Writes one ASCII and one non-ASCII header. */
  private static final TextMapPropagator CUSTOM =
      new TextMapPropagator() {
        @Override
        public Collection<String> fields() {
          return List.of("x-ascii", "x-latin");
        }

        @Override
        public <C> void inject(Context context, @Nullable C carrier, TextMapSetter<C> setter) {
          setter.set(carrier, "x-ascii", "plain");
          setter.set(carrier, "x-latin", "caf\u00e9");
        }

        @Override
        public <C> Context extract(Context context, @Nullable C carrier, TextMapGetter<C> getter) {
          return context;
        }
      };

  @AfterEach
  void restoreGlobal() {
    ShuttleTelemetry.useGlobal();
  }

  @Test
  void aPropagatedValueOutsidePrintableAsciiIsNotWritten() {
    ShuttleTelemetry.use(OpenTelemetry.propagating(ContextPropagators.create(CUSTOM)));

    Headers headers = NatsHeaders.write(Context.root(), new Headers());

    assertThat(headers.getFirst("x-ascii")).isEqualTo("plain");
    assertThat(headers.containsKey("x-latin")).isFalse();
  }
}
