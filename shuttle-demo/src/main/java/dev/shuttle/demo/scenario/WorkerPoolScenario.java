package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.pool.PoolStoppedException;
import dev.shuttle.pool.WorkerPool;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The guide's "Worker Pool 模式" fixed-size {@code WorkerPool} on {@link WorkerPool}: {@value
 * #WORKERS} workers started under a {@code worker-pool-start} span (with {@code pool.size}), then
 * two requests ({@code submit-jobs} spans) submit {@value #JOBS_PER_REQUEST} jobs each; every job
 * runs in a {@code process-job} span with {@code job.id} and {@code worker.id} that is a child of
 * the span of the request that submitted it, whichever worker runs it. Every {@value #FAIL_EVERY}th
 * job fails. The pool records the guide's metrics: {@code worker_pool.active_workers}, {@code
 * worker_pool.jobs_processed} (with {@code job.outcome}) and {@code worker_pool.job_duration} (in
 * seconds). Then a graceful stop: every accepted job runs, and a submission after the stop gets a
 * {@link PoolStoppedException}.
 *
 * <p>Fixes the guide's defects: its job spans start from the worker's {@code Background} context,
 * so jobs lose the submitter's trace; its metrics carry {@code worker.id} (one time series per
 * worker ever started); its results channel is never read, so workers block once it fills (here
 * every future is drained); {@code Submit} after {@code Stop} sends on a closed channel and panics.
 */
public final class WorkerPoolScenario implements Scenario {
  static final String POOL_NAME = "worker-pool";
  static final int WORKERS = 4;
  static final List<String> REQUESTS = List.of("request-a", "request-b");
  static final int JOBS_PER_REQUEST = 6;

  /** Jobs whose number (from 1, per request) is a multiple of this fail. */
  static final int FAIL_EVERY = 3;

  static final AttributeKey<String> REQUEST_ID = stringKey("request.id");
  static final AttributeKey<String> JOB_NAME = stringKey("job.name");
  static final AttributeKey<Long> POOL_SIZE = longKey("pool.size");

  private static final Duration SIMULATED_WORK = Duration.ofMillis(20);

  private Tracer tracer = OpenTelemetry.noop().getTracer("worker-pool");

  @Override
  public String name() {
    return "worker-pool";
  }

  @Override
  public String description() {
    return "a fixed worker pool with metrics: jobs traced under their submitter, graceful stop";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    tracer = openTelemetry.getTracer("worker-pool");
    WorkerPool pool = start();
    try {
      List<CompletableFuture<String>> futures = new ArrayList<>();
      List<Boolean> expectedToFail = new ArrayList<>();
      for (String request : REQUESTS) {
        Span span = tracer.spanBuilder("submit-jobs").setAttribute(REQUEST_ID, request).startSpan();
        try (Scope ignored = span.makeCurrent()) {
          for (int n = 1; n <= JOBS_PER_REQUEST; n++) {
            boolean fails = n % FAIL_EVERY == 0;
            futures.add(
                pool.submit(job(request + "/job-" + n, fails))); // waits if the queue is full
            expectedToFail.add(fails);
          }
        } finally {
          span.end();
        }
      }
      pool.stop(); // graceful: every accepted job still runs
      try {
        pool.submit(() -> "too late");
        throw new IllegalStateException("a job was accepted after stop()");
      } catch (PoolStoppedException expected) {
        // the guide sends on a closed channel here and panics
      }
      pool.awaitTermination();
      checkResults(futures, expectedToFail);
    } finally {
      pool.close(); // a no-op after termination; stops the pool if something went wrong above
    }
  }

  /** The guide's NewWorkerPool + Start: the workers exist from here on. */
  private WorkerPool start() {
    Span span =
        tracer.spanBuilder("worker-pool-start").setAttribute(POOL_SIZE, (long) WORKERS).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      WorkerPool pool =
          WorkerPool.builder().name(POOL_NAME).size(WORKERS).queueCapacity(WORKERS * 2).build();
      span.addEvent("workers started", Attributes.of(POOL_SIZE, (long) pool.size()));
      return pool;
    } finally {
      span.end();
    }
  }

  private static Callable<String> job(String name, boolean fails) {
    return () -> {
      Span.current().setAttribute(JOB_NAME, name); // the current span is this job's process-job
      Work.simulate(SIMULATED_WORK);
      if (fails) {
        throw new JobFailedException("cannot process " + name);
      }
      return "processed-" + name;
    };
  }

  /** Every future is complete after termination: the failing jobs failed, the others succeeded. */
  private static void checkResults(
      List<CompletableFuture<String>> futures, List<Boolean> expectedToFail)
      throws InterruptedException {
    for (int i = 0; i < futures.size(); i++) {
      CompletableFuture<String> future = futures.get(i);
      if (!future.isDone()) {
        throw new IllegalStateException("job " + i + " has not run after termination");
      }
      try {
        String value = future.get();
        if (expectedToFail.get(i)) {
          throw new IllegalStateException("job " + i + " should have failed but returned " + value);
        }
      } catch (ExecutionException e) {
        if (!expectedToFail.get(i) || !(e.getCause() instanceof JobFailedException)) {
          throw new IllegalStateException("job " + i + " failed unexpectedly", e);
        }
      }
    }
  }

  /** The example failure of a job. */
  static final class JobFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    JobFailedException(String message) {
      super(message);
    }
  }
}
