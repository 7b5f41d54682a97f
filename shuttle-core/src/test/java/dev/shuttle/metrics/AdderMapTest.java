package dev.shuttle.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(10)
class AdderMapTest {
  private static final AttributeKey<Long> USER = AttributeKey.longKey("user.id");

  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void attributeSetsBeyondTheLimitAreCountedUnderTheOverflowSet() {
    // given
    AdderMap map = new AdderMap();

    // when: a high-cardinality mistake
    for (long user = 0; user < AdderMap.MAX_SETS + 500; user++) {
      map.add(1, Attributes.of(USER, user));
    }

    // then: nothing is lost, memory stays bounded
    assertThat(map.sum()).isEqualTo(AdderMap.MAX_SETS + 500);
    assertThat(map.sum(AdderMap.OVERFLOW)).isEqualTo(500);
    assertThat(map.sum(Attributes.of(USER, 0L))).isEqualTo(1);
    assertThat(map.sum(Attributes.of(USER, (long) AdderMap.MAX_SETS + 1))).isZero();
  }

  @Test
  void theEmptySetIsCountedApartFromTheOthers() {
    // given
    AdderMap map = new AdderMap();

    // when
    map.add(3, Attributes.empty());
    map.add(4, Attributes.of(USER, 1L));

    // then
    assertThat(map.sum(Attributes.empty())).isEqualTo(3);
    assertThat(map.sum()).isEqualTo(7);
  }

  @Test
  void observationReportsTheAttributeLessPointOnlyWhenItWasUsedOrNothingElseWas() {
    // given
    AdderMap attributedOnly = new AdderMap();
    AdderMap unused = new AdderMap();
    attributedOnly.add(2, Attributes.of(USER, 1L));
    Meter meter = telemetry.meter();
    meter.counterBuilder("attributed.only").buildWithCallback(attributedOnly::observe);
    meter.counterBuilder("unused").buildWithCallback(unused::observe);

    // when
    List<MetricData> metrics = telemetry.collectMetrics();

    // then: no zero point without attributes beside the real one; an unused counter still shows 0
    assertThat(points(metrics, "attributed.only"))
        .extracting(LongPointData::getAttributes)
        .containsExactly(Attributes.of(USER, 1L));
    assertThat(points(metrics, "unused"))
        .singleElement()
        .satisfies(p -> assertThat(p.getValue()).isZero());
  }

  private static List<LongPointData> points(List<MetricData> metrics, String name) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .toList();
  }
}
