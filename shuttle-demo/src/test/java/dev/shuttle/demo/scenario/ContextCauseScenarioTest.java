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
class ContextCauseScenarioTest {
  private static OtlpRun run;

  @BeforeAll
  static void runOverHttp() throws Exception {
    run = OtlpRun.of(new ContextCauseScenario(), OtlpProtocol.HTTP_PROTOBUF);
  }

  @Test
  void theDetachedTaskIsAChildOfTheRequestAndOutlivesIt() {
    StoredSpan request = run.span("handle-request");
    StoredSpan task = run.span("detached-task");
    assertThat(request.isRoot()).isTrue();
    assertThat(task.traceId()).isEqualTo(request.traceId());
    assertThat(task.parentSpanId()).isEqualTo(request.spanId());
    assertThat(task.span().getEndTimeUnixNano())
        .as("the detached task ends after its request")
        .isGreaterThan(request.span().getEndTimeUnixNano());
    assertThat(status(task)).isEqualTo(STATUS_CODE_UNSET);
    assertThat(attribute(task, "task.detached")).contains(true);
    assertThat(attribute(task, "task.name")).contains("send-audit-log");
    assertThat(attribute(task, "completion.time")).isPresent();
    assertThat(eventNames(task)).containsExactly("background task done");
  }

  @Test
  void theSlaViolationCarriesTheSlasOwnCause() {
    StoredSpan sla = run.span("sla-operation");
    assertThat(sla.isRoot()).isTrue();
    assertThat(status(sla)).isEqualTo(STATUS_CODE_ERROR);
    assertThat(statusMessage(sla)).isEqualTo("SLA timeout: the service must answer within 200 ms");
    assertThat(attribute(sla, "sla.violated")).contains(true);
    assertThat(attribute(sla, "timeout.exceeded")).contains(true);
    assertThat(attribute(sla, "failure.cause"))
        .contains("SLA timeout: the service must answer within 200 ms");
  }

  @Test
  void oneTracePerExample() {
    assertThat(run.traces())
        .extracting(t -> t.root().orElseThrow().name())
        .containsExactlyInAnyOrder("handle-request", "sla-operation", "tiered-processing");
  }

  @Test
  void theCacheTierTimesOutWithItsCauseAndTheDatabaseTierStillRuns() {
    StoredSpan tiers = run.span("tiered-processing");
    assertThat(status(tiers)).isEqualTo(STATUS_CODE_UNSET);
    assertThat(run.childNames(tiers)).containsExactlyInAnyOrder("check-cache", "query-database");
    assertThat(eventNames(tiers)).containsExactly("cache lookup failed");
    assertThat(
            ChannelScenarioTest.stringAttribute(
                tiers.span().getEvents(0).getAttributesList(), "cause"))
        .isEqualTo("cache lookup timed out");
    StoredSpan cache = run.span("check-cache");
    assertThat(status(cache)).isEqualTo(STATUS_CODE_ERROR);
    assertThat(attribute(cache, "timeout.exceeded")).contains(true);
    assertThat(attribute(cache, "failure.cause")).contains("cache lookup timed out");
    assertThat(status(run.span("query-database"))).isEqualTo(STATUS_CODE_UNSET);
  }
}
