package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Contexts;
import dev.shuttle.nats.NatsJob;
import dev.shuttle.nats.NatsWorkerPool;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A worker pool across three processes on NATS JetStream: this JVM submits {@value #JOBS} jobs
 * under one {@code submit-jobs} request span, with a deadline, to a {@link NatsWorkerPool} whose
 * workers run in two other JVMs ({@link DistributedWorker}); each waits for its result. The
 * scenario starts {@code nats-server} for itself, on a free loopback port with a temporary store.
 *
 * <p>One trace spans the three processes: the request, each job's {@code send} span here, and each
 * job's {@code process} span (a child of the send span) in whichever worker JVM ran it, exported by
 * that JVM to the same OTLP endpoint. The deadline travels with each job: a worker runs it under
 * the submitter's deadline.
 */
public final class DistributedScenario implements Scenario {
  static final String POOL = "thumbnails";
  static final int JOBS = 6;
  static final List<String> WORKERS = List.of("worker-1", "worker-2");
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
  static final AttributeKey<String> REQUEST_ID = stringKey("request.id");

  /** A job: make a thumbnail of {@code image} {@code width} pixels wide. */
  record Resize(String image, int width) {}

  /** A job's result: the thumbnail's name, and the worker process that made it. */
  record Resized(String thumbnail, String worker) {}

  @Override
  public String name() {
    return "distributed";
  }

  @Override
  public String description() {
    return "a worker pool on NATS JetStream across three JVMs: one trace, the deadline carried";
  }

  @Override
  public boolean inAll() {
    return false; // it needs nats-server and starts two more JVMs
  }

  @Override
  public Optional<String> missing() {
    return NatsServerProcess.find().isPresent()
        ? Optional.empty()
        : Optional.of(NatsServerProcess.MISSING);
  }

  @Override
  public void run(OpenTelemetry openTelemetry) {
    throw new UnsupportedOperationException(
        "the distributed scenario starts worker JVMs that export where the demo does: run it"
            + " through run(openTelemetry, out, target)");
  }

  @Override
  public void run(OpenTelemetry openTelemetry, PrintWriter out, OtlpTarget target)
      throws Exception {
    try (NatsServerProcess server = NatsServerProcess.start();
        Connection nats = Nats.connect(server.url());
        WorkerProcesses workers = WorkerProcesses.start(server.url(), target, WORKERS);
        NatsWorkerPool<Resize, Resized> pool = DistributedWorker.pool(nats)) {
      Span request =
          openTelemetry
              .getTracer("distributed")
              .spanBuilder("submit-jobs")
              .setAttribute(REQUEST_ID, "request-a")
              .startSpan();
      try (CancelableContext timed =
          Contexts.withTimeout(Context.current().with(request), REQUEST_TIMEOUT)) {
        List<NatsJob<Resized>> jobs = new ArrayList<>();
        for (int n = 1; n <= JOBS; n++) {
          jobs.add(pool.submit(timed.context(), new Resize("photo-" + n + ".jpg", 160)));
        }
        for (NatsJob<Resized> job : jobs) {
          Resized result = job.result(timed.context());
          out.println("  " + result.thumbnail() + " made by " + result.worker());
        }
      } finally {
        request.end();
      }
    }
  }
}
