package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ctrl-C (SIGINT) while {@code shuttle demo} runs its scenarios, in a child JVM as a user runs it:
 * the demo prints what ran so far and exits with 130.
 */
@Timeout(120)
class DemoSignalTest {
  @Test
  void ctrlCDuringAScenarioPrintsTheRunSoFarAndExits130() throws Exception {
    // given: the demo in a child JVM, blocked in its second scenario
    ChildJvm child = ChildJvm.start(DemoChild.class, List.of("--quiet"), Map.of());
    child.awaitErrLine(line -> line.startsWith("[2/2] blocking"));

    // when
    child.signal("INT");

    // then
    int code = child.exitCode();
    assertThat(code).as("%s %s", child.out(), child.err()).isEqualTo(130);
    assertThat(child.out())
        .last()
        .isEqualTo(
            "Interrupted during scenario blocking (2/2); 1 scenario ran, 0 failed;"
                + " 1 span received over OTLP");
    assertThat(String.join("\n", child.err())).doesNotContain("\tat ", "Exception");
  }
}
