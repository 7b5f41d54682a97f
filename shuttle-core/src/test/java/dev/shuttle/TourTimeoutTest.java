package dev.shuttle;

import static dev.shuttle.telemetry.ShuttleAttributes.FAILURE_CAUSE;
import static dev.shuttle.telemetry.ShuttleAttributes.TASK_NAME;
import static dev.shuttle.telemetry.ShuttleAttributes.TIMEOUT_EXCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import dev.shuttle.sync.ErrGroup;
import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README tour's timeout, as a newcomer ran it: a 300 ms {@code withTimeoutCause} around an
 * ErrGroup whose task blocks in {@code Thread.sleep(5000)}. The group must end at the deadline,
 * failing with the timeout's cause, not run for five seconds and succeed.
 */
@Timeout(10)
class TourTimeoutTest {
  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void theTourTimeoutEndsABlockedGroupAtTheDeadlineWithTheCause() throws Exception {
    // given
    TimeoutException sla = new TimeoutException("SLA: answer within 300 ms");
    long start = System.nanoTime();
    Throwable failure;

    // when
    try (CancelableContext request =
        Contexts.withTimeoutCause(Context.current(), Duration.ofMillis(300), sla)) {
      ErrGroup group = ErrGroup.builder(request.context()).span("errgroup-tasks").limit(8).build();
      for (String task : List.of("alpha", "beta")) {
        group.go("errgroup-task", Attributes.of(TASK_NAME, task), () -> Thread.sleep(5_000));
      }
      failure = catchThrowable(group::await);
    }
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // then
    assertThat(failure)
        .isInstanceOfSatisfying(
            ContextDoneException.class,
            done -> {
              assertThat(done.err()).isEqualTo(ContextError.DEADLINE_EXCEEDED);
              assertThat(done).hasCause(sla);
            });
    assertThat(tookMillis).as("ended %d ms after the start", tookMillis).isBetween(290L, 1_000L);
    List<SpanData> tasks =
        telemetry.spans().stream().filter(s -> s.getName().equals("errgroup-task")).toList();
    assertThat(tasks)
        .hasSize(2)
        .allSatisfy(
            task -> {
              assertThat(task.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
              assertThat(task.getAttributes().get(TIMEOUT_EXCEEDED)).isTrue();
              assertThat(task.getAttributes().get(FAILURE_CAUSE)).isEqualTo(sla.getMessage());
            });
    assertThat(telemetry.span("errgroup-tasks").getStatus().getStatusCode())
        .isEqualTo(StatusCode.ERROR);
  }
}
