package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.pool.BoundedPool;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The guide's "高级 Goroutine 模式" {@code BoundedGoroutinePool} on {@link BoundedPool}: at most
 * {@value #MAX_CONCURRENCY} tasks at once, each in a {@code pool-task} span (with the guide's
 * {@code task.id} and {@code pool.size}) that is a child of the submitter's span, one task failing.
 *
 * <p>Fixes the guide's defect: the guide acquires the semaphore <em>inside</em> the goroutine, so
 * goroutines pile up without bound behind it; here the submitter takes the permit before the thread
 * exists, so {@code submit} is back-pressure and {@code trySubmit} refuses while the pool is full.
 * The scenario shows both: the first {@value #MAX_CONCURRENCY} tasks are held until a fourth {@code
 * trySubmit} has been refused, then the rest are submitted with {@code submit}, which waits for
 * permits. It checks that never more than {@value #MAX_CONCURRENCY} tasks ran at once.
 */
public final class BoundedPoolScenario implements Scenario {
  static final String POOL_NAME = "bounded-pool";
  static final int MAX_CONCURRENCY = 3;
  static final int TASKS = 10;

  /** The index (from 0) of the task that fails; its pool-assigned {@code task.id} is one more. */
  static final int FAILING_TASK = 7;

  static final AttributeKey<String> TASK_NAME = stringKey("task.name");
  static final AttributeKey<Long> PEAK_RUNNING = longKey("pool.peak_running");
  static final AttributeKey<Long> TASK_COUNT = longKey("task.count");
  static final AttributeKey<Long> POOL_SIZE = longKey("pool.size");

  private static final Duration SIMULATED_WORK = Duration.ofMillis(20);

  private Tracer tracer = OpenTelemetry.noop().getTracer("bounded-pool");

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
    tracer = openTelemetry.getTracer("bounded-pool");
    Span span =
        tracer
            .spanBuilder("submit-tasks")
            .setAttribute(POOL_SIZE, (long) MAX_CONCURRENCY)
            .setAttribute(TASK_COUNT, (long) TASKS)
            .startSpan();
    try (Scope ignored = span.makeCurrent();
        BoundedPool pool =
            BoundedPool.builder().name(POOL_NAME).maxConcurrency(MAX_CONCURRENCY).build()) {
      AtomicInteger running = new AtomicInteger();
      AtomicInteger peak = new AtomicInteger();
      CountDownLatch firstStarted = new CountDownLatch(MAX_CONCURRENCY);
      CountDownLatch release = new CountDownLatch(1);
      List<CompletableFuture<String>> futures = new ArrayList<>();

      // Fill the pool with tasks that wait until the refusal below has been shown.
      for (int i = 0; i < MAX_CONCURRENCY; i++) {
        futures.add(pool.submit(task(i, running, peak, firstStarted, release)));
      }
      firstStarted.await();
      Optional<CompletableFuture<String>> refused = pool.trySubmit(() -> "never runs");
      if (refused.isPresent()) {
        throw new IllegalStateException("trySubmit ran a task beyond the limit");
      }
      span.addEvent(
          "pool full: trySubmit refused",
          Attributes.of(longKey("pool.running"), (long) pool.running()));
      release.countDown();

      // The rest: submit() waits for a free permit before any thread exists (back-pressure).
      for (int i = MAX_CONCURRENCY; i < TASKS; i++) {
        futures.add(pool.submit(task(i, running, peak, firstStarted, release)));
      }
      pool.await(); // the guide's Wait()
      span.setAttribute(PEAK_RUNNING, (long) peak.get());
      if (peak.get() != MAX_CONCURRENCY) {
        throw new IllegalStateException(
            "expected " + MAX_CONCURRENCY + " tasks at once at most, saw " + peak.get());
      }
      checkResults(futures, span);
    } finally {
      span.end();
    }
  }

  private static java.util.concurrent.Callable<String> task(
      int index,
      AtomicInteger running,
      AtomicInteger peak,
      CountDownLatch firstStarted,
      CountDownLatch release) {
    String name = "task-" + index;
    return () -> {
      Span.current().setAttribute(TASK_NAME, name); // the current span is this task's pool-task
      peak.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        if (index < MAX_CONCURRENCY) {
          firstStarted.countDown();
          release.await();
        }
        Work.simulate(SIMULATED_WORK);
        if (index == FAILING_TASK) {
          throw new TaskFailedException("cannot process " + name);
        }
        return "processed-" + name;
      } finally {
        running.decrementAndGet();
      }
    };
  }

  /** Exactly the failing task failed, with its own exception; every other task succeeded. */
  private static void checkResults(List<CompletableFuture<String>> futures, Span span)
      throws InterruptedException {
    for (int i = 0; i < futures.size(); i++) {
      try {
        String value = futures.get(i).get();
        if (i == FAILING_TASK || !value.equals("processed-task-" + i)) {
          throw new IllegalStateException("task-" + i + " returned " + value);
        }
      } catch (ExecutionException e) {
        if (i != FAILING_TASK || !(e.getCause() instanceof TaskFailedException)) {
          throw new IllegalStateException("task-" + i + " failed unexpectedly", e);
        }
        span.addEvent("task failed", Attributes.of(TASK_NAME, "task-" + i));
      }
    }
  }

  /** The example failure of one task. */
  static final class TaskFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    TaskFailedException(String message) {
      super(message);
    }
  }
}
