package dev.shuttle.otel;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import org.junit.jupiter.api.Test;

/**
 * Detection without the agent; the detection under a real agent is tested by {@code JavaAgentIT} in
 * {@code shuttle-demo}.
 */
class JavaAgentTest {

  @Test
  void withoutTheAgentNothingIsDetectedAndTheGlobalInstanceIsNotFrozen() {
    // given: a JVM without -javaagent and no global instance
    GlobalOpenTelemetry.resetForTest();
    try {
      // when
      boolean active = ShuttleOtel.isJavaAgentActive();

      // then: detection did not call GlobalOpenTelemetry.get(), which would freeze it as a no-op
      assertThat(active).isFalse();
      assertThat(GlobalOpenTelemetry.isSet()).isFalse();
    } finally {
      GlobalOpenTelemetry.resetForTest();
    }
  }

  @Test
  void anApplicationsGlobalSdkIsNotTakenForTheAgent() {
    // given: the application registered its own SDK globally
    GlobalOpenTelemetry.resetForTest();
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().buildAndRegisterGlobal()) {
      // then
      assertThat(JavaAgent.global()).isEmpty();
      assertThat(JavaAgent.isAgents(sdk)).isFalse();
      assertThat(JavaAgent.isAgents(OpenTelemetry.noop())).isFalse();
    } finally {
      GlobalOpenTelemetry.resetForTest();
    }
  }
}
