package dev.shuttle.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShuttleOtelBuilderTest {

  @Test
  void settingsMapToAutoconfigureProperties() {
    // given
    ShuttleOtelBuilder builder =
        ShuttleOtel.builder()
            .serviceName("checkout")
            .endpoint("http://127.0.0.1:4318")
            .protocol(OtlpProtocol.HTTP_PROTOBUF)
            .sampler("parentbased_traceidratio", 0.25)
            .batchScheduleDelay(Duration.ofMillis(200))
            .batchMaxQueueSize(100)
            .batchMaxExportBatchSize(10)
            .batchExportTimeout(Duration.ofSeconds(2))
            .exporterTimeout(Duration.ofSeconds(3))
            .metricExportInterval(Duration.ofSeconds(5));

    // then
    assertThat(builder.overrides())
        .containsEntry("otel.service.name", "checkout")
        .containsEntry("otel.exporter.otlp.endpoint", "http://127.0.0.1:4318")
        .containsEntry("otel.exporter.otlp.protocol", "http/protobuf")
        .containsEntry("otel.traces.sampler", "parentbased_traceidratio")
        .containsEntry("otel.traces.sampler.arg", "0.25")
        .containsEntry("otel.bsp.schedule.delay", "200ms")
        .containsEntry("otel.blrp.schedule.delay", "200ms")
        .containsEntry("otel.bsp.max.queue.size", "100")
        .containsEntry("otel.bsp.max.export.batch.size", "10")
        .containsEntry("otel.bsp.export.timeout", "2000ms")
        .containsEntry("otel.exporter.otlp.timeout", "3000ms")
        .containsEntry("otel.metric.export.interval", "5000ms");
  }

  @Test
  void samplerWithoutArgumentClearsAnEarlierRatio() {
    ShuttleOtelBuilder builder =
        ShuttleOtel.builder().sampler("traceidratio", 0.5).sampler("ALWAYS_ON");

    assertThat(builder.overrides())
        .containsEntry("otel.traces.sampler", "always_on")
        .doesNotContainKey("otel.traces.sampler.arg");
  }

  @Test
  void invalidSettingsFailAtOnceWithAClearMessage() {
    ShuttleOtelBuilder builder = ShuttleOtel.builder();

    assertThatThrownBy(() -> builder.serviceName(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serviceName");
    assertThatThrownBy(() -> builder.endpoint("localhost:4317"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://");
    assertThatThrownBy(() -> builder.endpoint("ftp://host:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ftp://host:1");
    assertThatThrownBy(() -> builder.sampler("sometimes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown sampler 'sometimes'")
        .hasMessageContaining("parentbased_traceidratio");
    assertThatThrownBy(() -> builder.sampler("traceidratio", 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.5");
    assertThatThrownBy(() -> builder.sampler("always_on", 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes no ratio");
    assertThatThrownBy(() -> builder.batchMaxQueueSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchMaxQueueSize must be positive, was 0");
    assertThatThrownBy(() -> builder.batchScheduleDelay(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchScheduleDelay");
    assertThatThrownBy(() -> builder.metricExportInterval(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metricExportInterval");
    assertThatThrownBy(() -> builder.property("service.name", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("otel.");
    assertThatThrownBy(() -> builder.endpoint(nullString()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("endpoint");
  }

  @SuppressWarnings("NullAway")
  private static String nullString() {
    return null;
  }

  @Test
  void batchSizeAboveQueueSizeIsRejectedAtStart() {
    ShuttleOtelBuilder builder =
        ShuttleOtel.builder().batchMaxQueueSize(10).batchMaxExportBatchSize(20);

    assertThatThrownBy(builder::start)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "batchMaxExportBatchSize (20) must not exceed batchMaxQueueSize (10)");
  }
}
