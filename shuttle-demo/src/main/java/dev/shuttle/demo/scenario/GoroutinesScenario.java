package dev.shuttle.demo.scenario;

import static dev.shuttle.telemetry.ShuttleAttributes.TASK_INDEX;
import static dev.shuttle.telemetry.ShuttleAttributes.TASK_NAME;

import dev.shuttle.Go;
import dev.shuttle.sync.ErrGroup;
import dev.shuttle.sync.WaitGroup;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;

/**
 * The guide's "Goroutine 追踪模式": a goroutine under a parent span, a WaitGroup of traced tasks, and
 * an errgroup whose failing task marks its span and the group's span as errors.
 */
public final class GoroutinesScenario {
  private static final Duration SIMULATED_WORK = Duration.ofMillis(20);

  private final Tracer tracer;

  /** Creates the scenario; its own spans come from {@code tracer}. */
  public GoroutinesScenario(Tracer tracer) {
    this.tracer = tracer;
  }

  /** The guide's BasicGoroutineTracing: the goroutine's span is a child of parent-operation. */
  public void basicGoroutine() throws Exception {
    Span parent = tracer.spanBuilder("parent-operation").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      Go.start(
              Context.current(),
              "goroutine-1",
              Attributes.empty(),
              () -> {
                Thread.sleep(SIMULATED_WORK);
                Span.current().addEvent("goroutine-1 done");
                return null;
              })
          .join(); // the guide sleeps 200 ms hoping the goroutine is done; Shuttle joins
    } finally {
      parent.end();
    }
  }

  /** The guide's WaitGroupTracing: one process-task span per task under parallel-tasks. */
  public void waitGroup(List<String> tasks) throws InterruptedException {
    Span span = tracer.spanBuilder("parallel-tasks").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      WaitGroup wg = new WaitGroup();
      for (int i = 0; i < tasks.size(); i++) {
        String task = tasks.get(i);
        wg.go(
            "process-task",
            Attributes.of(TASK_INDEX, (long) i, TASK_NAME, task),
            () -> {
              Thread.sleep(SIMULATED_WORK);
              Span.current().addEvent("task done");
            });
      }
      wg.await();
      span.addEvent("all tasks done");
    } finally {
      span.end();
    }
  }

  /**
   * The guide's ErrorGroupTracing, with {@code failing} failing: its span and the group's span get
   * status ERROR (the guide only records the error), and await throws the failure.
   */
  public void errGroup(List<String> tasks, String failing) throws Exception {
    ErrGroup group = ErrGroup.builder(Context.current()).span("errgroup-tasks").build();
    for (int i = 0; i < tasks.size(); i++) {
      String task = tasks.get(i);
      group.go(
          "errgroup-task",
          Attributes.of(TASK_INDEX, (long) i, TASK_NAME, task),
          () -> {
            Thread.sleep(SIMULATED_WORK);
            if (task.equals(failing)) {
              throw new IllegalStateException("cannot process " + task);
            }
          });
    }
    group.await();
  }
}
