package dev.shuttle.demo.scenario;

import static dev.shuttle.telemetry.ShuttleAttributes.TASK_INDEX;
import static dev.shuttle.telemetry.ShuttleAttributes.TASK_NAME;

import dev.shuttle.Go;
import dev.shuttle.sync.ErrGroup;
import dev.shuttle.sync.WaitGroup;
import io.opentelemetry.api.OpenTelemetry;
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
public final class GoroutinesScenario implements Scenario {
  static final List<String> TASKS = List.of("alpha", "beta", "gamma", "delta");
  static final String FAILING_TASK = "gamma";
  private static final Duration SIMULATED_WORK = Duration.ofMillis(20);

  private Tracer tracer = OpenTelemetry.noop().getTracer("goroutine-tracing");

  @Override
  public String name() {
    return "goroutines";
  }

  @Override
  public String description() {
    return "a traced goroutine, a WaitGroup of tasks, an errgroup with one failing task";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    tracer = openTelemetry.getTracer("goroutine-tracing");
    basicGoroutine();
    waitGroup(TASKS);
    try {
      errGroup(TASKS, FAILING_TASK);
      throw new IllegalStateException("the errgroup should have failed with " + FAILING_TASK);
    } catch (TaskFailedException expected) {
      // the point of the example: await() throws the failing task's own exception
    }
  }

  /** The guide's BasicGoroutineTracing: the goroutine's span is a child of parent-operation. */
  void basicGoroutine() throws Exception {
    Span parent = tracer.spanBuilder("parent-operation").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      Go.start(
              Context.current(),
              "goroutine-1",
              Attributes.empty(),
              () -> {
                Work.simulate(SIMULATED_WORK);
                Span.current().addEvent("goroutine-1 done");
                return null;
              })
          .join(); // the guide sleeps 200 ms hoping the goroutine is done; Shuttle joins
    } finally {
      parent.end();
    }
  }

  /** The guide's WaitGroupTracing: one process-task span per task under parallel-tasks. */
  void waitGroup(List<String> tasks) throws InterruptedException {
    Span span = tracer.spanBuilder("parallel-tasks").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      WaitGroup wg = new WaitGroup();
      for (int i = 0; i < tasks.size(); i++) {
        String task = tasks.get(i);
        wg.go(
            "process-task",
            Attributes.of(TASK_INDEX, (long) i, TASK_NAME, task),
            () -> {
              Work.simulate(SIMULATED_WORK);
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
  void errGroup(List<String> tasks, String failing) throws Exception {
    ErrGroup group = ErrGroup.builder(Context.current()).span("errgroup-tasks").build();
    for (int i = 0; i < tasks.size(); i++) {
      String task = tasks.get(i);
      group.go(
          "errgroup-task",
          Attributes.of(TASK_INDEX, (long) i, TASK_NAME, task),
          () -> {
            // Work that does not watch the group's context, as the guide's processTaskWithError:
            // the other tasks finish even though the failure cancels the group.
            Work.simulateIgnoringCancellation(SIMULATED_WORK);
            if (task.equals(failing)) {
              throw new TaskFailedException("cannot process " + task);
            }
          });
    }
    group.await();
  }

  /** The example failure of one errgroup task. */
  static final class TaskFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    TaskFailedException(String message) {
      super(message);
    }
  }
}
