package dev.shuttle.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process for {@link NatsWorkerPoolKilledWorkerTest}: runs the pool's jobs with a handler
 * that prints {@code started <job>} and then never returns, so that the test can kill the process
 * while it holds the job. Arguments: NATS URL, pool name, ack wait in milliseconds.
 */
public final class PoolWorkerChild {
  private PoolWorkerChild() {}

  public static void main(String[] args) throws Exception {
    try (Connection connection = Nats.connect(args[0])) {
      NatsWorkerPool<String, String> pool =
          NatsWorkerPool.builder(connection, args[1], Codec.utf8(), Codec.utf8())
              .ackWait(Duration.ofMillis(Long.parseLong(args[2])))
              .build();
      CountDownLatch never = new CountDownLatch(1);
      try (NatsWorkers workers =
          pool.startWorkers(
              1,
              (context, job) -> {
                System.out.println("started " + job);
                System.out.flush();
                never.await();
                return job;
              })) {
        System.out.println("ready");
        System.out.flush();
        never.await();
      }
    }
  }
}
