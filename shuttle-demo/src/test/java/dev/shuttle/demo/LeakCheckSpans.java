package dev.shuttle.demo;

import dev.shuttle.test.ShuttleLeakCheck;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;

/**
 * Adds {@link ShuttleLeakCheck#spanProcessor()} to every SDK that autoconfigure builds in the
 * demo's tests (the SDK {@code ShuttleOtel} starts for a scenario), so that the leak check sees
 * Shuttle spans left open. Registered in {@code
 * META-INF/services/io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider}.
 */
public final class LeakCheckSpans implements AutoConfigurationCustomizerProvider {
  /** Created by the service loader. */
  public LeakCheckSpans() {}

  @Override
  public void customize(AutoConfigurationCustomizer autoConfiguration) {
    autoConfiguration.addTracerProviderCustomizer(
        (tracing, config) -> tracing.addSpanProcessor(ShuttleLeakCheck.spanProcessor()));
  }
}
