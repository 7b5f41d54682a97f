package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.OtlpRun.attribute;
import static dev.shuttle.demo.OtlpRun.eventNames;
import static dev.shuttle.demo.OtlpRun.status;
import static dev.shuttle.demo.OtlpRun.statusMessage;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR;
import static io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TimeoutCancelScenarioTest {
  private static OtlpRun run;

  @BeforeAll
  static void runOverHttp() throws Exception {
    run = OtlpRun.of(new TimeoutCancelScenario(), OtlpProtocol.HTTP_PROTOBUF);
  }

  @Test
  void producesOneTracePerOperation() {
    assertThat(run.traces()).hasSize(3);
    assertThat(run.traces())
        .extracting(t -> t.root().orElseThrow().name())
        .containsExactlyInAnyOrder(
            "operation-with-timeout", "operation-with-cancel", "operation-with-deadline");
  }

  @Test
  void theTimedOutOperationSaysItTimedOut() {
    StoredSpan op = run.span("operation-with-timeout");
    assertThat(status(op)).isEqualTo(STATUS_CODE_ERROR);
    assertThat(statusMessage(op)).isEqualTo("context deadline exceeded");
    assertThat(attribute(op, "timeout.exceeded")).contains(true);
    assertThat(attribute(op, "timeout.ms")).contains(60L);
    StoredSpan inner = run.children(op).getFirst();
    assertThat(inner.name()).isEqualTo("long-running-operation");
    assertThat(attribute(inner, "timeout.exceeded")).contains(true);
    assertThat(eventNames(inner)).contains("exception");
    assertThat(eventNames(inner).stream().filter("progress"::equals))
        .as("cut short by the deadline")
        .hasSizeLessThan(TimeoutCancelScenario.STEPS);
  }

  @Test
  void theCancelledOperationSaysItWasCancelled() {
    StoredSpan op = run.span("operation-with-cancel");
    assertThat(status(op)).isEqualTo(STATUS_CODE_ERROR);
    assertThat(attribute(op, "operation.canceled")).contains(true);
    assertThat(attribute(op, "timeout.exceeded")).isEmpty();
    assertThat(run.childNames(op)).containsExactly("long-running-operation");
  }

  @Test
  void theOperationWithinItsDeadlineSucceedsWithEveryStep() {
    StoredSpan op = run.span("operation-with-deadline");
    assertThat(status(op)).isEqualTo(STATUS_CODE_UNSET);
    assertThat(attribute(op, "deadline").orElseThrow().toString()).endsWith("Z");
    StoredSpan inner = run.children(op).getFirst();
    assertThat(eventNames(inner)).hasSize(TimeoutCancelScenario.STEPS).containsOnly("progress");
  }
}
