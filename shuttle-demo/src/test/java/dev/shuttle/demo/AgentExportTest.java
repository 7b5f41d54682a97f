package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.AgentExport.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentExportTest {

  private static AgentExport of(Map<String, String> properties) {
    return AgentExport.of(properties::get, Map.of(), key -> null);
  }

  @Test
  void theAgentsDefaultsAreOtlpOverHttpToLocalhost4318EveryFiveSeconds() {
    // given no setting at all
    AgentExport export = of(Map.of());

    // then
    assertThat(export.tracesExporters()).containsExactly("otlp");
    assertThat(export.protocol()).isEqualTo("http/protobuf");
    assertThat(export.tracesEndpoint()).isEqualTo("http://localhost:4318/v1/traces");
    assertThat(export.scheduleDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(export.loopbackReceiver()).contains(new HostPort("localhost", 4318));
    assertThat(export.speedHint())
        .hasValueSatisfying(h -> assertThat(h).contains("otel.bsp.schedule.delay=200"));
    assertThat(export.dropsTraces()).isFalse();
  }

  @Test
  void systemPropertiesWinOverEnvironmentVariablesWhichWinOverTheFile() {
    // given the same three settings from three sources
    Map<String, String> properties = Map.of("otel.exporter.otlp.endpoint", "http://127.0.0.1:1111");
    Map<String, String> env =
        Map.of(
            "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:2222",
            "OTEL_BSP_SCHEDULE_DELAY", "2s");
    Map<String, String> file =
        Map.of(
            "otel.exporter.otlp.endpoint", "http://127.0.0.1:3333",
            "otel.bsp.schedule.delay", "9s",
            "otel.exporter.otlp.protocol", "grpc");

    // when
    AgentExport export = AgentExport.of(properties::get, env, file::get);

    // then
    assertThat(export.tracesEndpoint()).isEqualTo("http://127.0.0.1:1111");
    assertThat(export.scheduleDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(export.grpc()).isTrue();
    assertThat(export.loopbackReceiver()).contains(new HostPort("127.0.0.1", 1111));
  }

  @Test
  void grpcUsesTheBaseEndpointAsIsAndHttpAppendsTheSignalPath() {
    assertThat(of(Map.of("otel.exporter.otlp.protocol", "grpc")).tracesEndpoint())
        .isEqualTo("http://localhost:4317");
    assertThat(of(Map.of("otel.exporter.otlp.endpoint", "http://127.0.0.1:9/")).tracesEndpoint())
        .isEqualTo("http://127.0.0.1:9/v1/traces");
    AgentExport signalSpecific =
        of(
            Map.of(
                "otel.exporter.otlp.traces.endpoint", "http://[::1]:5000/v1/traces",
                "otel.exporter.otlp.endpoint", "http://127.0.0.1:9"));
    assertThat(signalSpecific.tracesEndpoint()).isEqualTo("http://[::1]:5000/v1/traces");
    assertThat(signalSpecific.loopbackReceiver()).contains(new HostPort("::1", 5000));
  }

  @Test
  void onlyAPlainHttpLoopbackEndpointWithTheReceiversPathGetsTheEmbeddedReceiver() {
    assertThat(
            of(Map.of("otel.exporter.otlp.endpoint", "https://localhost:4318")).loopbackReceiver())
        .isEmpty();
    assertThat(
            of(Map.of("otel.exporter.otlp.endpoint", "http://collector:4318")).loopbackReceiver())
        .isEmpty();
    assertThat(
            of(Map.of("otel.exporter.otlp.traces.endpoint", "http://localhost:4318/otlp/traces"))
                .loopbackReceiver())
        .isEmpty();
    assertThat(of(Map.of("otel.exporter.otlp.endpoint", "not a url")).loopbackReceiver()).isEmpty();
  }

  @Test
  void exportersAndDelaysAreParsedAsTheAgentParsesThem() {
    assertThat(of(Map.of("otel.traces.exporter", "none")).dropsTraces()).isTrue();
    AgentExport both = of(Map.of("otel.traces.exporter", " OTLP , console"));
    assertThat(both.tracesExporters()).isEqualTo(List.of("otlp", "console"));
    assertThat(both.exportsOtlp()).isTrue();
    assertThat(both.dropsTraces()).isFalse();
    assertThat(of(Map.of("otel.traces.exporter", "console")).exportsOtlp()).isFalse();

    AgentExport fast = of(Map.of("otel.bsp.schedule.delay", "200"));
    assertThat(fast.scheduleDelay()).isEqualTo(Duration.ofMillis(200));
    assertThat(fast.speedHint()).isEmpty();
    assertThat(of(Map.of("otel.bsp.schedule.delay", "1m")).scheduleDelay())
        .isEqualTo(Duration.ofMinutes(1));
  }
}
