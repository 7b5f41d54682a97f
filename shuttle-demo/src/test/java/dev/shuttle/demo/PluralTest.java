package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PluralTest {

  @Test
  void oneIsSingularAndEveryOtherCountPlural() {
    assertThat(Plural.count(1, "trace", "traces")).isEqualTo("1 trace");
    assertThat(Plural.count(0, "trace", "traces")).isEqualTo("0 traces");
    assertThat(Plural.count(2, "metric data point", "metric data points"))
        .isEqualTo("2 metric data points");
  }
}
