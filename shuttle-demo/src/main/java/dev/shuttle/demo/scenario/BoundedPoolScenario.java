package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.pool.BoundedPool;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;

/**
 * The guide's "高级 Goroutine 模式" {@code BoundedGoroutinePool} on {@link BoundedPool}: at most
 * {@value #MAX_CONCURRENCY} tasks at once, each one {@code pool-task} span with the guide's {@code
 * task.id} (given at submit) and {@code pool.size} (added by the pool), a child of the submitter's
 * span; one task fails and its span records the error.
 *
 * <p>Fixes the guide's defect: the guide acquires the semaphore <em>inside</em> the goroutine, so
 * goroutines pile up without bound behind it; here {@code submit} takes the permit before the
 * task's thread exists, so it waits while {@value #MAX_CONCURRENCY} tasks run (back-pressure), and
 * each span's {@code job.queue_wait_ns} says how long its submitter waited.
 */
public final class BoundedPoolScenario implements Scenario {
  static final String POOL_NAME = "bounded-pool";
  static final int MAX_CONCURRENCY = 3;
  static final int TASKS = 10;

  /** The task ({@code task-7}) that fails. */
  static final int FAILING_TASK = 7;

  static final AttributeKey<String> TASK_ID = stringKey("task.id");

  @Override
  public String name() {
    return "bounded-pool";
  }

  @Override
  public String description() {
    return "a bounded goroutine pool: permits taken at submit (back-pressure), pool-task spans";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    Tracer tracer = openTelemetry.getTracer("bounded-pool");
    Span span = tracer.spanBuilder("submit-tasks").startSpan();
    try (Scope ignored = span.makeCurrent();
        BoundedPool pool =
            BoundedPool.builder().name(POOL_NAME).maxConcurrency(MAX_CONCURRENCY).build()) {
      for (int i = 0; i < TASKS; i++) {
        String taskId = "task-" + i;
        pool.submit( // waits for a permit while MAX_CONCURRENCY tasks run
            Context.current(), "pool-task", Attributes.of(TASK_ID, taskId), () -> task(taskId));
      }
      pool.await(); // the guide's Wait()
    } finally {
      span.end();
    }
  }

  /** The guide's {@code fn}: works a little; one task fails. */
  private static String task(String taskId) throws Exception {
    Work.simulate(Duration.ofMillis(20));
    if (taskId.equals("task-" + FAILING_TASK)) {
      throw new TaskFailedException("cannot process " + taskId);
    }
    return "processed-" + taskId;
  }

  /** The example failure of one task. */
  static final class TaskFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    TaskFailedException(String message) {
      super(message);
    }
  }
}
