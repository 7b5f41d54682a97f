package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoreLimitsTest {
  @Test
  void theDefaultByteLimitIsAQuarterOfTheHeapWithinFloorAndCap() {
    long quarter = Runtime.getRuntime().maxMemory() / 4;
    long expected =
        Math.min(StoreLimits.MAX_DEFAULT_BYTES, Math.max(StoreLimits.MIN_DEFAULT_BYTES, quarter));

    assertThat(StoreLimits.defaultMaxBytes()).isEqualTo(expected);
    assertThat(StoreLimits.defaults())
        .isEqualTo(
            new StoreLimits(
                StoreLimits.DEFAULT_LIMIT,
                StoreLimits.DEFAULT_LIMIT,
                StoreLimits.DEFAULT_LIMIT,
                expected));
  }

  @Test
  void countLimitsAloneTakeTheDefaultByteLimit() {
    assertThat(new StoreLimits(1, 2, 3))
        .isEqualTo(new StoreLimits(1, 2, 3, StoreLimits.defaultMaxBytes()));
    assertThat(new StoreLimits(1, 2, 3).withMaxBytes(4)).isEqualTo(new StoreLimits(1, 2, 3, 4));
  }

  @Test
  void everyLimitMustBePositive() {
    assertThatThrownBy(() -> new StoreLimits(1, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDataPoints must be positive, was 0");
    assertThatThrownBy(() -> new StoreLimits(1, 1, -1))
        .hasMessage("maxLogRecords must be positive, was -1");
    assertThatThrownBy(() -> StoreLimits.defaults().withMaxBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBytes must be positive, was 0");
  }
}
