package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.Go;
import dev.shuttle.Goroutine;
import dev.shuttle.channel.Channel;
import dev.shuttle.pool.DynamicWorkerPool;
import dev.shuttle.pool.JobResult;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;

/**
 * The guide's "高级 Goroutine 模式" {@code DynamicWorkerPool} on {@link DynamicWorkerPool}: a burst of
 * {@value #TASKS} tasks grows the pool from {@value #MIN_WORKERS} worker towards {@value
 * #MAX_WORKERS}; each task is one {@code process-task} span with the guide's {@code task.id} (given
 * at submit) and {@code worker.id} (added by the pool), a child of the submitter's span. Results go
 * to the guide's result queue, which a consumer drains.
 *
 * <p>Fixes the guide's defects: its {@code Submit} locks the mutex and calls {@code startWorker},
 * which locks it again (deadlock) — Shuttle decides growth under one lock and starts the thread
 * after releasing it; its result queue is never drained, so workers block once it fills — here a
 * consumer drains a queue smaller than the burst; its workers never scale down — here idle workers
 * retire after {@value #IDLE_TIMEOUT_MILLIS} ms, which the span's last event shows.
 */
public final class DynamicPoolScenario implements Scenario {
  static final String POOL_NAME = "dynamic-pool";
  static final int MIN_WORKERS = 1;
  static final int MAX_WORKERS = 4;
  static final int GROW_THRESHOLD = 2;
  static final int TASKS = 16;
  static final long IDLE_TIMEOUT_MILLIS = 100;

  static final AttributeKey<String> TASK_ID = stringKey("task.id");
  static final AttributeKey<Long> WORKERS = longKey("pool.workers");
  static final AttributeKey<Long> RESULTS = longKey("results.received");

  @Override
  public String name() {
    return "dynamic-pool";
  }

  @Override
  public String description() {
    return "a dynamic worker pool grows under a burst, drains its results, shrinks when idle";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    Tracer tracer = openTelemetry.getTracer("dynamic-pool");
    Span span = tracer.spanBuilder("dynamic-pool-burst").startSpan();
    try (Scope ignored = span.makeCurrent();
        DynamicWorkerPool pool =
            DynamicWorkerPool.builder()
                .name(POOL_NAME)
                .minWorkers(MIN_WORKERS)
                .maxWorkers(MAX_WORKERS)
                .growThreshold(GROW_THRESHOLD) // the guide grows past 50 queued tasks
                .idleTimeout(Duration.ofMillis(IDLE_TIMEOUT_MILLIS))
                .build()) {
      Channel<JobResult<String>> resultQueue = Channel.buffered(MAX_WORKERS);
      Goroutine<Long> consumer = Go.start(() -> resultQueue.stream().count());
      try (resultQueue) { // closed once every result has been sent: the consumer ends
        for (int i = 0; i < TASKS; i++) {
          String taskId = "task-" + i;
          pool.submit(
              Context.current(),
              "process-task",
              Attributes.of(TASK_ID, taskId),
              () -> processTask(taskId),
              resultQueue);
        }

        // Unlike the guide's, idle workers retire: the pool goes back to its minimum.
        pool.awaitWorkersAtMost(MIN_WORKERS, Duration.ofSeconds(5));
        span.addEvent("idle workers retired", Attributes.of(WORKERS, (long) pool.workerCount()));

        pool.stop(); // the guide's Shutdown
        pool.awaitTermination();
      }
      span.setAttribute(RESULTS, consumer.join());
    } finally {
      span.end();
    }
  }

  /** The guide's processTask, without the span: the pool's job span is this task's. */
  private static String processTask(String taskId) throws InterruptedException {
    Work.simulate(Duration.ofMillis(20));
    return "processed-" + taskId;
  }
}
