package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.SpanRelation;
import dev.shuttle.sync.Once;
import dev.shuttle.sync.WaitGroup;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The guide's "sync.OnceFunc 和 sync.OnceValue": a tracer initialiser that {@value #CALLERS}
 * goroutines call at once ({@link Once#values}: one {@code tracer-initialization} span), and a
 * worker pool whose metrics are initialised once ({@link Once#func}: one {@code initialize-metrics}
 * span) however often it asks.
 */
public final class OnceScenario implements Scenario {
  static final int CALLERS = 64;
  static final int WORKERS = 3;
  static final int JOBS = 6; // at most the queues' capacity, WORKERS * 2: nothing waits for space
  private static final Duration INIT_WORK = Duration.ofMillis(20);
  private static final Duration JOB_WORK = Duration.ofMillis(10);

  @Override
  public String name() {
    return "once";
  }

  @Override
  public String description() {
    return "a once-initialised tracer shared by 64 callers; a worker pool that initialises once";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    // the guide's TracerInitializer: OnceValue; its body blocks, so it is a Callable
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
    WaitGroup callers = WaitGroup.create();
    for (int i = 0; i < CALLERS; i++) {
      callers.go(getTracer::call); // each gets the same tracer
    }
    callers.await();

    PoolWithOnceInit pool = new PoolWithOnceInit(openTelemetry.getTracer("worker-pool-once"));
    WaitGroup workers = pool.start();
    try (pool.jobs) { // closed once every job is queued: the workers then stop
      for (int i = 0; i < JOBS; i++) {
        pool.jobs.send(Context.root(), new Job("job-" + i)); // each job a request of its own
      }
    }
    workers.await(); // the results wait in their queue: the guide reads them no further
  }

  /** The guide's WorkerPoolWithOnceInit. */
  static final class PoolWithOnceInit {
    final Channel<Job> jobs = Channel.buffered(WORKERS * 2);
    final Channel<String> results = Channel.buffered(WORKERS * 2);
    private final Tracer tracer;
    private final Runnable initMetrics;

    PoolWithOnceInit(Tracer tracer) {
      this.tracer = tracer;
      this.initMetrics =
          Once.func(
              () -> {
                Span span =
                    tracer
                        .spanBuilder("initialize-metrics")
                        .setAttribute(longKey("pool.workers"), WORKERS)
                        .startSpan();
                span.addEvent("metrics initialized");
                span.end();
              });
    }

    /** Initialises the metrics (once) and starts the workers under worker-pool-start. */
    WaitGroup start() {
      initMetrics.run();
      Span span = tracer.spanBuilder("worker-pool-start").startSpan();
      WaitGroup running = WaitGroup.create();
      try (Scope ignored = span.makeCurrent()) {
        for (int id = 0; id < WORKERS; id++) {
          running.go("worker-" + id, Attributes.empty(), this::worker);
        }
      } finally {
        span.end();
      }
      return running;
    }

    private void worker() throws InterruptedException {
      initMetrics.run(); // a worker may ask too: still initialised once
      for (Message<Job> job : jobs.messages()) {
        // Shuttle fixes the guide's job span, a child of the worker's context: here it is a child
        // of the context the job was submitted in
        job.process(
            "process-job",
            SpanRelation.PARENT,
            j -> {
              Span.current().setAttribute(stringKey("job.id"), j.id());
              Work.simulate(JOB_WORK);
              results.send("processed-" + j.id());
            });
      }
    }
  }

  /** The guide's Job. */
  record Job(String id) {}
}
