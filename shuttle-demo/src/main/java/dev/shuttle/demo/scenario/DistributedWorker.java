package dev.shuttle.demo.scenario;

import dev.shuttle.channel.SpanRelation;
import dev.shuttle.demo.scenario.DistributedScenario.Resize;
import dev.shuttle.demo.scenario.DistributedScenario.Resized;
import dev.shuttle.nats.Codec;
import dev.shuttle.nats.NatsWorkerPool;
import dev.shuttle.nats.NatsWorkers;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.otel.ShuttleOtel;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.IOException;
import java.time.Duration;

/**
 * A worker JVM of the distributed scenario: runs the pool's jobs until its standard input closes,
 * exporting its spans over OTLP as {@code shuttle-demo-<worker>}.
 *
 * <p>Arguments: the NATS URL, the OTLP endpoint and protocol, the worker's name. Prints {@value
 * #READY} once its workers take jobs.
 */
public final class DistributedWorker {
  static final String READY = "ready";
  static final int CONCURRENCY = 2;

  private DistributedWorker() {}

  /** The pool as every process of the scenario opens it. */
  static NatsWorkerPool<Resize, Resized> pool(Connection nats) throws IOException {
    return NatsWorkerPool.builder(
            nats, DistributedScenario.POOL, Codec.json(Resize.class), Codec.json(Resized.class))
        .spanRelation(SpanRelation.PARENT) // one trace across the processes
        .build();
  }

  public static void main(String[] args) throws Exception {
    String natsUrl = args[0];
    String worker = args[3];
    try (ShuttleOtel otel =
            ShuttleOtel.builder()
                .serviceName("shuttle-demo-" + worker)
                .endpoint(args[1])
                .protocol(protocol(args[2]))
                .batchScheduleDelay(Duration.ofMillis(200))
                .registerGlobal(false)
                .start();
        Connection nats = Nats.connect(natsUrl)) {
      ShuttleTelemetry.use(otel.openTelemetry());
      try (NatsWorkerPool<Resize, Resized> pool = pool(nats);
          NatsWorkers workers =
              pool.startWorkers(CONCURRENCY, (context, job) -> resize(job, worker))) {
        System.out.println(READY);
        System.out.flush();
        awaitEndOfInput();
      }
    }
  }

  private static OtlpProtocol protocol(String configValue) {
    for (OtlpProtocol protocol : OtlpProtocol.values()) {
      if (protocol.configValue().equals(configValue)) {
        return protocol;
      }
    }
    throw new IllegalArgumentException("not an OTLP protocol: " + configValue);
  }

  /** The job: stands in for real image work. */
  private static Resized resize(Resize job, String worker) throws InterruptedException {
    Work.simulate(Duration.ofMillis(50));
    return new Resized(job.image().replace(".jpg", "-" + job.width() + ".jpg"), worker);
  }

  private static void awaitEndOfInput() throws IOException {
    while (System.in.read() != -1) {
      // the scenario closes our input when it is done
    }
  }
}
