package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.Go;
import dev.shuttle.Goroutine;
import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Message;
import dev.shuttle.sync.Once;
import dev.shuttle.sync.WaitGroup;
import dev.shuttle.telemetry.Spans;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The guide's "sync.OnceFunc 和 sync.OnceValue": a tracer initialiser that {@value #CALLERS}
 * concurrent callers share (exactly one {@code tracer-initialization} span, one tracer for all),
 * and a worker pool whose metrics are initialised once however often it asks ({@code
 * initialize-metrics}), that starts its workers in {@code worker-pool-start} and runs each job in a
 * {@code process-job} span.
 *
 * <p>Jobs travel on a Shuttle channel, so each job's span is a child of the context it was
 * submitted in, not of the worker's (the guide's workers run every job under their own start
 * context, so jobs lose the submitter's trace). Here each job is submitted at the root, as an
 * incoming request would be, so each job is a trace of its own. The initialiser blocks, so it is a
 * {@link Once#values} callable (a {@code Supplier} cannot throw {@link InterruptedException}).
 */
public final class OnceScenario implements Scenario {
  static final int CALLERS = 64;
  static final int WORKERS = 3;
  static final int JOBS = 6;
  static final Duration INIT_WORK = Duration.ofMillis(20);
  static final Duration JOB_WORK = Duration.ofMillis(10);
  static final AttributeKey<Long> POOL_WORKERS = longKey("pool.workers");
  static final AttributeKey<String> JOB_ID = stringKey("job.id");
  static final AttributeKey<Long> WORKER_ID = longKey("worker.id");

  private OpenTelemetry openTelemetry = OpenTelemetry.noop();

  @Override
  public String name() {
    return "once";
  }

  @Override
  public String description() {
    return "a once-initialised tracer shared by 64 callers; a worker pool that initialises once";
  }

  @Override
  public void run(OpenTelemetry otel) throws Exception {
    this.openTelemetry = otel;
    Set<Tracer> tracers = getTracerConcurrently(CALLERS);
    if (tracers.size() != 1) {
      throw new IllegalStateException("expected one tracer for all callers, got " + tracers);
    }
    List<String> results = runPool(WORKERS, JOBS);
    if (results.size() != JOBS) {
      throw new IllegalStateException("expected " + JOBS + " results but got " + results);
    }
  }

  /** The guide's TracerInitializer, called by {@code callers} goroutines at once. */
  Set<Tracer> getTracerConcurrently(int callers) throws Exception {
    Callable<Tracer> getTracer =
        Once.values(
            () -> {
              Tracer tracer = openTelemetry.getTracer("app-tracer");
              Span span = tracer.spanBuilder("tracer-initialization").startSpan();
              try (Scope ignored = span.makeCurrent()) {
                Work.simulate(INIT_WORK); // every other caller waits for this
                span.addEvent("tracer initialized");
                return tracer;
              } finally {
                span.end();
              }
            });
    Set<Tracer> seen = ConcurrentHashMap.newKeySet();
    WaitGroup callersDone = new WaitGroup();
    for (int i = 0; i < callers; i++) {
      callersDone.go(() -> seen.add(getTracer.call()));
    }
    callersDone.await();
    return seen;
  }

  /** Starts the pool, submits {@code jobs} jobs, closes the queue and collects every result. */
  List<String> runPool(int workers, int jobs) throws Exception {
    PoolWithOnceInit pool =
        new PoolWithOnceInit(openTelemetry.getTracer("worker-pool-once"), workers);
    WaitGroup running = pool.start(Context.current());
    Goroutine<@Nullable Void> submitter =
        Go.start(
            () -> {
              try (pool.jobs) { // closed once every job is queued: the workers then stop
                for (int i = 0; i < jobs; i++) {
                  pool.jobs.send(Context.root(), new Job("job-" + i)); // a request of its own
                }
              }
              running.await();
              pool.results.close(); // every worker has sent its last result
              return null;
            });
    List<String> results = new ArrayList<>();
    for (String result : pool.results) { // ends when the submitter closes it
      results.add(result);
    }
    submitter.join();
    return results;
  }

  /** The guide's WorkerPoolWithOnceInit. */
  static final class PoolWithOnceInit {
    private final Tracer tracer;
    private final int workers;
    private final Runnable initMetrics;
    final Channel<Job> jobs;
    final Channel<String> results;

    PoolWithOnceInit(Tracer tracer, int workers) {
      this.tracer = tracer;
      this.workers = workers;
      this.jobs = Channel.buffered(workers * 2);
      this.results = Channel.buffered(workers * 2);
      this.initMetrics =
          Once.func(
              () -> {
                Span span =
                    tracer
                        .spanBuilder("initialize-metrics")
                        .setAttribute(POOL_WORKERS, (long) workers)
                        .startSpan();
                span.addEvent("metrics initialized");
                span.end();
              });
    }

    /** Initialises the metrics (once) and starts the workers; the group ends when they have. */
    WaitGroup start(Context parent) {
      initMetrics.run();
      Span span = tracer.spanBuilder("worker-pool-start").setParent(parent).startSpan();
      WaitGroup running = new WaitGroup();
      try (Scope ignored = span.makeCurrent()) {
        for (int i = 0; i < workers; i++) {
          int id = i;
          running.go(() -> worker(id));
        }
      } finally {
        span.end();
      }
      return running;
    }

    private void worker(int id) throws InterruptedException {
      initMetrics.run(); // a worker may ask too: still initialised once
      Span span = tracer.spanBuilder("worker-" + id).startSpan(); // child of worker-pool-start
      try {
        for (Message<Job> job : jobs.messages()) {
          results.send(processJob(id, job));
        }
      } catch (InterruptedException | RuntimeException e) {
        Spans.recordFailure(span, e);
        throw e;
      } finally {
        span.end();
      }
    }

    /** A job's span is a child of the context the job was submitted in. */
    private String processJob(int workerId, Message<Job> job) throws InterruptedException {
      Span span =
          tracer
              .spanBuilder("process-job")
              .setParent(job.context())
              .setAttribute(JOB_ID, job.value().id())
              .setAttribute(WORKER_ID, (long) workerId)
              .startSpan();
      try (Scope ignored = job.context().with(span).makeCurrent()) {
        Work.simulate(JOB_WORK);
        return "processed-" + job.value().id();
      } catch (InterruptedException | RuntimeException e) {
        Spans.recordFailure(span, e);
        throw e;
      } finally {
        span.end();
      }
    }
  }

  /** The guide's Job. */
  record Job(String id) {}
}
