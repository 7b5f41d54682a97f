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
  private static final Duration WORK = Duration.ofMillis(20);

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
    Tracer tracer = openTelemetry.getTracer("goroutine-tracing");
    basicGoroutineTracing(tracer);
    waitGroupTracing(tracer, TASKS);
    try {
      errorGroupTracing(TASKS);
    } catch (TaskFailedException expected) {
      // gamma fails on purpose: await() throws the failing task's own exception
    }
  }

  /** The guide's BasicGoroutineTracing: the goroutine's span is a child of parent-operation. */
  static void basicGoroutineTracing(Tracer tracer) throws Exception {
    Span parentSpan = tracer.spanBuilder("parent-operation").startSpan();
    try (Scope ignored = parentSpan.makeCurrent()) {
      Go.start(
              Context.current(),
              "goroutine-1",
              Attributes.empty(),
              () -> {
                Work.simulate(WORK);
                Span.current().addEvent("goroutine-1 done");
                return null;
              })
          .join(); // the guide sleeps 200 ms and hopes the goroutine is done; Shuttle joins it
    } finally {
      parentSpan.end();
    }
  }

  /** The guide's WaitGroupTracing: one process-task span per task, under parallel-tasks. */
  static void waitGroupTracing(Tracer tracer, List<String> tasks) throws InterruptedException {
    Span span = tracer.spanBuilder("parallel-tasks").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      WaitGroup wg = WaitGroup.create();
      for (int i = 0; i < tasks.size(); i++) {
        wg.go(
            "process-task",
            Attributes.of(TASK_INDEX, (long) i, TASK_NAME, tasks.get(i)),
            () -> {
              Work.simulate(WORK);
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
   * The guide's ErrorGroupTracing: a failing task's span and the group's span get status ERROR
   * (Shuttle fixes the guide, which records the error but never sets the status).
   */
  static void errorGroupTracing(List<String> tasks) throws Exception {
    ErrGroup g = ErrGroup.builder(Context.current()).span("errgroup-tasks").build();
    for (int i = 0; i < tasks.size(); i++) {
      String taskName = tasks.get(i);
      g.go(
          "errgroup-task",
          Attributes.of(TASK_INDEX, (long) i, TASK_NAME, taskName),
          () -> processTaskWithError(taskName));
    }
    g.await(); // throws the first failure
  }

  private static void processTaskWithError(String task) throws TaskFailedException {
    // as the guide's, this work does not watch the context: the other tasks finish
    Work.simulateIgnoringCancellation(WORK);
    if (task.equals(FAILING_TASK)) {
      throw new TaskFailedException("cannot process " + task);
    }
  }

  /** The example failure of one errgroup task. */
  static final class TaskFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    TaskFailedException(String message) {
      super(message);
    }
  }
}
