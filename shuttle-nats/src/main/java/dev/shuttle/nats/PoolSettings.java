package dev.shuttle.nats;

import dev.shuttle.channel.SpanRelation;
import java.time.Duration;

/**
 * The settings of one {@link NatsWorkerPool}, validated by its builder, and the names derived from
 * the pool's name: the streams, the subjects and the durable consumer. Immutable.
 */
record PoolSettings(
    String name,
    int capacity,
    int maxAttempts,
    Duration firstBackoff,
    Duration maxBackoff,
    Duration ackWait,
    SpanRelation spanRelation) {

  /** The durable pull consumer every worker of a pool shares. */
  static final String CONSUMER = "workers";

  /** The jobs stream: {@code shuttle-pool-<name>}. */
  String jobsStream() {
    return "shuttle-pool-" + name;
  }

  /** The dead-letter stream: {@code shuttle-pool-<name>-dead}. */
  String deadStream() {
    return jobsStream() + "-dead";
  }

  /** The subject jobs are published on: {@code shuttle.pool.<name>.jobs}. */
  String jobsSubject() {
    return "shuttle.pool." + name + ".jobs";
  }

  /** The subject failed jobs are moved to: {@code shuttle.pool.<name>.dead}. */
  String deadSubject() {
    return "shuttle.pool." + name + ".dead";
  }

  /** The core-NATS subject of cancellations: {@code shuttle.pool.<name>.cancel}. */
  String cancelSubject() {
    return "shuttle.pool." + name + ".cancel";
  }

  /**
   * Returns how long to wait before delivering a job again after its {@code attempt}-th run failed:
   * the first backoff, doubled per attempt, at most the maximum.
   */
  Duration backoff(long attempt) {
    Duration delay = firstBackoff;
    try {
      for (long i = 1; i < attempt && delay.compareTo(maxBackoff) < 0; i++) {
        delay = delay.multipliedBy(2);
      }
    } catch (ArithmeticException overflow) {
      return maxBackoff;
    }
    return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
  }

  /** How often a running job tells JetStream it is still being worked on: a third of ackWait. */
  Duration heartbeat() {
    return ackWait.dividedBy(3);
  }
}
