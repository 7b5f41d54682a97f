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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * The guide's "高级 Goroutine 模式" {@code DynamicWorkerPool} on {@link DynamicWorkerPool}: a burst of
 * {@value #TASKS} tasks grows the pool from {@value #MIN_WORKERS} to {@value #MAX_WORKERS} workers;
 * once the burst is done, the idle workers retire after the idle timeout and the pool is back at
 * {@value #MIN_WORKERS}. Each task runs in the guide's {@code process-task} span (with {@code
 * task.id}), inside the pool's {@code process-job} span, child of the submitter's span; the
 * submitter's span records the worker counts as events.
 *
 * <p>Fixes the guide's defects: its {@code Submit} locks the mutex and calls {@code startWorker},
 * which locks it again (deadlock) — Shuttle decides growth under one lock and starts the thread
 * after releasing it; its result queue is never drained, so workers block once it fills — here a
 * consumer drains a results channel smaller than the burst while the tasks run; its workers never
 * scale down — here they retire after {@value #IDLE_TIMEOUT_MILLIS} ms idle.
 */
public final class DynamicPoolScenario implements Scenario {
  static final String POOL_NAME = "dynamic-pool";
  static final int MIN_WORKERS = 1;
  static final int MAX_WORKERS = 4;
  static final int GROW_THRESHOLD = 2;
  static final int TASKS = 16;
  static final int RESULTS_CAPACITY = 4;
  static final long IDLE_TIMEOUT_MILLIS = 100;

  static final AttributeKey<String> TASK_ID = stringKey("task.id");
  static final AttributeKey<Long> WORKERS = longKey("pool.workers");
  static final AttributeKey<Long> RESULTS_DRAINED = longKey("results.drained");

  private static final Duration SIMULATED_WORK = Duration.ofMillis(20);

  /** Far beyond the idle timeout: a loaded machine fires timers late. */
  private static final Duration SHRINK_DEADLINE = Duration.ofSeconds(2);

  private Tracer tracer = OpenTelemetry.noop().getTracer("dynamic-pool");

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
    tracer = openTelemetry.getTracer("dynamic-pool");
    Span span =
        tracer
            .spanBuilder("dynamic-pool-burst")
            .setAttribute(longKey("pool.min_workers"), (long) MIN_WORKERS)
            .setAttribute(longKey("pool.max_workers"), (long) MAX_WORKERS)
            .startSpan();
    try (Scope ignored = span.makeCurrent();
        DynamicWorkerPool pool =
            DynamicWorkerPool.builder()
                .name(POOL_NAME)
                .minWorkers(MIN_WORKERS)
                .maxWorkers(MAX_WORKERS)
                .queueCapacity(TASKS * 2)
                .growThreshold(GROW_THRESHOLD)
                .idleTimeout(Duration.ofMillis(IDLE_TIMEOUT_MILLIS))
                .build()) {
      span.addEvent("pool started", Attributes.of(WORKERS, (long) pool.workerCount()));

      // The guide's resultQueue, drained while the tasks run (the guide never reads it).
      Channel<JobResult<String>> results = Channel.buffered(RESULTS_CAPACITY);
      Goroutine<Integer> consumer = Go.start(() -> drain(results));

      try {
        // The burst: tasks are held until all are queued, so the queue is deep and the pool grows.
        CountDownLatch burstQueued = new CountDownLatch(1);
        List<CompletableFuture<String>> futures = new ArrayList<>();
        int grown;
        try {
          for (int i = 0; i < TASKS; i++) {
            futures.add(pool.submit(Context.current(), task("task-" + i, burstQueued), results));
          }
          grown = pool.workerCount();
          span.addEvent(
              "burst queued",
              Attributes.of(WORKERS, (long) grown, longKey("queue.size"), (long) pool.queueSize()));
        } finally {
          burstQueued.countDown(); // also on failure, or closing the pool would wait forever
        }
        if (grown != MAX_WORKERS) {
          throw new IllegalStateException("the burst grew the pool to " + grown + " workers");
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        span.addEvent("burst done", Attributes.of(WORKERS, (long) pool.workerCount()));

        // Idle workers above the minimum retire after the idle timeout.
        if (!pool.awaitWorkersAtMost(MIN_WORKERS, SHRINK_DEADLINE)) {
          throw new IllegalStateException(
              "the pool still had "
                  + pool.workerCount()
                  + " workers "
                  + SHRINK_DEADLINE
                  + " later");
        }
        span.addEvent("idle workers retired", Attributes.of(WORKERS, (long) pool.workerCount()));

        pool.stop();
        pool.awaitTermination(); // every result has been sent
        results.close();
        int drained = consumer.join();
        span.setAttribute(RESULTS_DRAINED, (long) drained);
        if (drained != TASKS) {
          throw new IllegalStateException("drained " + drained + " results of " + TASKS);
        }
      } finally {
        if (!results.isClosed()) {
          results.close(); // releases the consumer when something went wrong
        }
      }
    } finally {
      span.end();
    }
  }

  private Callable<String> task(String taskId, CountDownLatch burstQueued) {
    return () -> {
      burstQueued.await();
      Span span = tracer.spanBuilder("process-task").setAttribute(TASK_ID, taskId).startSpan();
      try (Scope ignored = span.makeCurrent()) {
        Work.simulate(SIMULATED_WORK);
        return "processed-" + taskId;
      } finally {
        span.end();
      }
    };
  }

  /** Receives every result until the channel is closed; returns how many succeeded. */
  private static int drain(Channel<JobResult<String>> results) {
    int successes = 0;
    for (JobResult<String> result : results) {
      if (result instanceof JobResult.Success<String> success) {
        String value = success.value();
        if (value != null && value.startsWith("processed-")) {
          successes++;
        }
      }
    }
    return successes;
  }
}
