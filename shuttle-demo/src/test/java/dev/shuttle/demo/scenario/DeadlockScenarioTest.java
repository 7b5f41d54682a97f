package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.OtlpRun.attribute;
import static dev.shuttle.demo.OtlpRun.status;
import static dev.shuttle.demo.OtlpRun.statusMessage;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.Goroutines;
import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DeadlockScenarioTest {
  private static OtlpRun run;

  @BeforeAll
  static void runOverGrpc() throws Exception {
    run = OtlpRun.of(new DeadlockScenario(), OtlpProtocol.GRPC);
  }

  @Test
  void theRequestAndBothGoroutinesAreOneTrace() {
    assertThat(run.traces()).hasSize(1);
    StoredSpan request = run.span("deadlocked-request");
    assertThat(run.childNames(request)).containsExactlyInAnyOrder("goroutine-a", "goroutine-b");
  }

  @Test
  void theRequestSpanRecordsTheTimeout() {
    StoredSpan request = run.span("deadlocked-request");
    assertThat(status(request)).isEqualTo(STATUS_CODE_ERROR);
    assertThat(statusMessage(request)).isEqualTo("context deadline exceeded");
    assertThat(attribute(request, "timeout.exceeded")).contains(true);
    assertThat(attribute(request, "timeout.ms")).contains(DeadlockScenario.TIMEOUT.toMillis());
  }

  @Test
  void bothGoroutinesEndWithTheTimeout() {
    for (String name : new String[] {"goroutine-a", "goroutine-b"}) {
      StoredSpan goroutine = run.span(name);
      assertThat(status(goroutine)).as(name).isEqualTo(STATUS_CODE_ERROR);
      assertThat(attribute(goroutine, "timeout.exceeded")).as(name).contains(true);
    }
    assertThat(
            Goroutines.snapshot().goroutines().stream()
                .filter(
                    g -> "goroutine-a".equals(g.spanName()) || "goroutine-b".equals(g.spanName())))
        .as("none left running")
        .isEmpty();
  }
}
