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
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;

/**
 * The guide's "Worker Pool 模式" fixed-size {@code WorkerPool} on {@link WorkerPool}: {@value
 * #WORKERS} workers started under a {@code worker-pool-start} span (with {@code pool.size}), then
 * two requests ({@code submit-jobs} spans) submit {@value #JOBS_PER_REQUEST} jobs each. Every job
 * is one {@code process-job} span with the guide's {@code job.id} (given at submit) and {@code
 * worker.id} (added by the pool), a child of the request that submitted it, whichever worker runs
 * it; every {@value #FAIL_EVERY}rd job fails. The pool records the guide's metrics. Then a graceful
 * stop: every accepted job runs, and a submission after the stop is refused.
 *
 * <p>Fixes the guide's defects: its job spans start from the worker's {@code Background} context,
 * so jobs lose the submitter's trace; its metrics carry {@code worker.id} (one time series per
 * worker ever started); its results channel is never read, so workers block once it fills (here
 * results go to futures); {@code Submit} after {@code Stop} sends on a closed channel and panics.
 */
public final class WorkerPoolScenario implements Scenario {
  static final String POOL_NAME = "worker-pool";
  static final int WORKERS = 4;
  static final List<String> REQUESTS = List.of("request-a", "request-b");
  static final int JOBS_PER_REQUEST = 6;

  /** Jobs whose number (from 1, per request) is a multiple of this fail. */
  static final int FAIL_EVERY = 3;

  static final AttributeKey<String> REQUEST_ID = stringKey("request.id");
  static final AttributeKey<String> JOB_ID = stringKey("job.id");
  static final AttributeKey<Long> POOL_SIZE = longKey("pool.size");

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
    Tracer tracer = openTelemetry.getTracer("worker-pool");
    try (WorkerPool pool = start(tracer)) {
      for (String request : REQUESTS) {
        Span span = tracer.spanBuilder("submit-jobs").setAttribute(REQUEST_ID, request).startSpan();
        try (Scope ignored = span.makeCurrent()) {
          for (int n = 1; n <= JOBS_PER_REQUEST; n++) {
            String jobId = request + "/job-" + n;
            boolean fails = n % FAIL_EVERY == 0;
            pool.submit( // waits while the queue is full
                Context.current(),
                "process-job",
                Attributes.of(JOB_ID, jobId),
                () -> processJob(jobId, fails));
          }
        } finally {
          span.end();
        }
      }
      pool.stop(); // graceful: every accepted job still runs
      try {
        pool.submit(() -> "too late");
      } catch (PoolStoppedException expected) {
        // the guide sends on a closed channel here and panics
      }
    } // close(): waits for every accepted job
  }

  /** The guide's NewWorkerPool + Start: the workers exist from here on. */
  private static WorkerPool start(Tracer tracer) {
    Span span =
        tracer.spanBuilder("worker-pool-start").setAttribute(POOL_SIZE, (long) WORKERS).startSpan();
    try {
      return WorkerPool.builder().name(POOL_NAME).size(WORKERS).queueCapacity(WORKERS * 2).build();
    } finally {
      span.end();
    }
  }

  /** The guide's processJob, without the span and metrics: the pool records both. */
  private static String processJob(String jobId, boolean fails) throws Exception {
    Work.simulate(Duration.ofMillis(20));
    if (fails) {
      throw new JobFailedException("cannot process " + jobId);
    }
    return "processed-" + jobId;
  }

  /** The example failure of a job. */
  static final class JobFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    JobFailedException(String message) {
      super(message);
    }
  }
}
