package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScenarioTallyTest {
  @Test
  void theInterruptedLineSaysWhereTheRunStoodAndWhatRan() {
    // given: two of five scenarios ran, one failed, and the third is running
    ScenarioTally tally = new ScenarioTally(5);
    tally.starting("goroutines");
    tally.ran(null);
    tally.starting("bounded-pool");
    tally.ran("java.lang.IllegalStateException: broke");
    tally.starting("dynamic-pool");

    // then
    assertThat(tally.interruptedLine("12 spans received over OTLP"))
        .isEqualTo(
            "Interrupted during scenario dynamic-pool (3/5); 2 scenarios ran, 1 failed;"
                + " 12 spans received over OTLP");
    assertThat(tally.failures())
        .containsExactly("bounded-pool: java.lang.IllegalStateException: broke");

    // when: the scenario ends, the next has not started
    tally.ran(null);
    assertThat(tally.interruptedLine("x"))
        .isEqualTo("Interrupted between scenarios; 3 scenarios ran, 1 failed; x");

    // when: the run is over, there is nothing to interrupt
    tally.finish();
    assertThat(tally.interruptedLine("x")).isNull();
  }
}
