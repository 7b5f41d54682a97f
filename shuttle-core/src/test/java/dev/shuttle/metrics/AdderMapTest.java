package dev.shuttle.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AdderMapTest {
  private static final AttributeKey<Long> USER = AttributeKey.longKey("user.id");

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
}
