package dev.shuttle;

import static dev.shuttle.telemetry.ShuttleAttributes.ERRGROUP_FAILURES;
import static dev.shuttle.telemetry.ShuttleAttributes.ERRGROUP_TASKS;
import static dev.shuttle.telemetry.ShuttleAttributes.ERROR_TYPE;
import static dev.shuttle.telemetry.ShuttleAttributes.OPERATION_CANCELED;
import static dev.shuttle.telemetry.ShuttleAttributes.TASK_INDEX;
import static dev.shuttle.telemetry.ShuttleAttributes.TASK_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.context.Contexts;
import dev.shuttle.sync.ErrGroup;
import dev.shuttle.sync.WaitGroup;
import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The trace that the guide's WaitGroup and errgroup examples must produce. */
@Timeout(10)
class TraceShapeTest {
  private static final List<String> TASKS = List.of("alpha", "beta", "gamma", "delta");

  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void goroutinesUnderAWaitGroupAreChildrenOfTheCallersSpanInOneTrace() throws Exception {
    // given: the guide's WaitGroupTracing
    Span parent = telemetry.tracer().spanBuilder("parallel-tasks").startSpan();

    // when
    try (Scope ignored = parent.makeCurrent()) {
      WaitGroup wg = WaitGroup.create();
      for (int i = 0; i < TASKS.size(); i++) {
        String name = TASKS.get(i);
        wg.go(
            "process-task",
            Attributes.of(TASK_INDEX, (long) i, TASK_NAME, name),
            () -> Span.current().addEvent("task done"));
      }
      wg.await();
      parent.addEvent("all tasks done");
    } finally {
      parent.end();
    }

    // then
    List<SpanData> tasks =
        telemetry.spans().stream().filter(s -> s.getName().equals("process-task")).toList();
    assertThat(tasks).hasSize(TASKS.size());
    assertThat(tasks)
        .allSatisfy(
            s -> {
              assertThat(s.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
              assertThat(s.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
              assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
              assertThat(s.getEvents()).extracting("name").containsExactly("task done");
            });
    assertThat(tasks)
        .extracting(s -> s.getAttributes().get(TASK_NAME))
        .containsExactlyInAnyOrderElementsOf(TASKS);
    assertThat(tasks)
        .extracting(s -> s.getAttributes().get(TASK_INDEX))
        .containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
  }

  @Test
  void anErrGroupWithOneFailingTaskMarksTheTaskAndTheGroupAsErrors() throws Exception {
    // given: the guide's ErrorGroupTracing, with "gamma" failing
    Span root = telemetry.tracer().spanBuilder("request").startSpan();
    ErrGroup group = ErrGroup.builder(Context.root().with(root)).span("errgroup-tasks").build();
    CountDownLatch failed = new CountDownLatch(1);

    // when
    for (int i = 0; i < TASKS.size(); i++) {
      String name = TASKS.get(i);
      group.go(
          "errgroup-task",
          Attributes.of(TASK_INDEX, (long) i, TASK_NAME, name),
          () -> {
            if (name.equals("gamma")) {
              failed.countDown();
              throw new IOException("cannot process gamma");
            }
            if (name.equals("delta")) { // cancelled by gamma's failure
              failed.await();
              Contexts.cancellation(Context.current()).await();
              Contexts.cancellation(Context.current()).throwIfDone();
            }
          });
    }
    assertThatThrownBy(group::await).hasMessage("cannot process gamma");
    root.end();

    // then
    SpanData groupSpan = telemetry.span("errgroup-tasks");
    assertThat(groupSpan.getParentSpanId()).isEqualTo(root.getSpanContext().getSpanId());
    assertThat(groupSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(groupSpan.getStatus().getDescription()).isEqualTo("cannot process gamma");
    assertThat(groupSpan.getEvents()).extracting("name").contains("exception");
    assertThat(groupSpan.getAttributes().get(ERRGROUP_TASKS)).isEqualTo(4L);
    assertThat(groupSpan.getAttributes().get(ERRGROUP_FAILURES)).isEqualTo(2L);

    List<SpanData> tasks =
        telemetry.spans().stream().filter(s -> s.getName().equals("errgroup-task")).toList();
    assertThat(tasks).hasSize(4);
    assertThat(tasks)
        .allSatisfy(
            s -> {
              assertThat(s.getTraceId()).isEqualTo(root.getSpanContext().getTraceId());
              assertThat(s.getParentSpanId()).isEqualTo(groupSpan.getSpanId());
            });
    SpanData gamma = task(tasks, "gamma");
    assertThat(gamma.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(gamma.getStatus().getDescription()).isEqualTo("cannot process gamma");
    assertThat(gamma.getAttributes().get(ERROR_TYPE)).isEqualTo("java.io.IOException");
    SpanData delta = task(tasks, "delta");
    assertThat(delta.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(delta.getAttributes().get(OPERATION_CANCELED)).isTrue();
    assertThat(task(tasks, "alpha").getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  private static SpanData task(List<SpanData> tasks, String name) {
    return tasks.stream()
        .filter(s -> name.equals(s.getAttributes().get(TASK_NAME)))
        .findFirst()
        .orElseThrow();
  }
}
