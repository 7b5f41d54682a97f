package dev.shuttle.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker process killed ({@code kill -9}) in the middle of a job loses nothing: JetStream
 * delivers the job again after the ack wait, a worker in another process runs it, and the submitter
 * gets its result once.
 */
class NatsWorkerPoolKilledWorkerTest {
  private static final Duration ACK_WAIT = Duration.ofSeconds(1);

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aJobWhoseWorkerProcessWasKilledIsRedeliveredAndCompletesOnce() throws Exception {
    try (NatsServer server = NatsServer.start();
        Connection connection = Nats.connect(server.url());
        ChildJvmProcess child =
            ChildJvmProcess.start(
                PoolWorkerChild.class,
                List.of(server.url(), "killed", Long.toString(ACK_WAIT.toMillis())))) {
      child.awaitOutLine("ready"::equals, Duration.ofSeconds(30));
      try (NatsWorkerPool<String, String> pool =
          NatsWorkerPool.builder(connection, "killed", Codec.utf8(), Codec.utf8())
              .ackWait(ACK_WAIT)
              .build()) {
        // given a job that the child process has started
        NatsJob<String> job = pool.submit(Context.root(), "resize-1");
        child.awaitOutLine("started resize-1"::equals, Duration.ofSeconds(30));

        // when the child is killed mid-job and a worker runs here
        child.kill();
        AtomicInteger runsHere = new AtomicInteger();
        try (NatsWorkers workers =
            pool.startWorkers(
                1,
                (context, value) -> {
                  runsHere.incrementAndGet();
                  return value.toUpperCase(java.util.Locale.ROOT);
                })) {
          // then the job is delivered again and completes once
          assertThat(job.result(Context.root())).isEqualTo("RESIZE-1");
          workers.stop();
          workers.awaitTermination();
        }
        assertThat(runsHere).hasValue(1);
        assertThat(child.out()).containsOnlyOnce("started resize-1");
      }
    }
  }
}
