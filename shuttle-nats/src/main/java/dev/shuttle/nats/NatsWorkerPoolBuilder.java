package dev.shuttle.nats;

import dev.shuttle.channel.SpanRelation;
import io.nats.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Configures a {@link NatsWorkerPool}; from {@link NatsWorkerPool#builder}. Each setting is
 * validated when it is set, and may be set once. Every process that submits to or works for one
 * pool should build it with the same settings: the capacity lives in the stream (a different one is
 * refused), the ackWait in the consumer (the last build wins), and the attempts and backoff are
 * applied by the workers' process.
 *
 * <p>Not thread-safe.
 *
 * @param <J> the type of the jobs
 * @param <R> the type of the results
 */
public final class NatsWorkerPoolBuilder<J, R> {
  private static final Duration MIN_ACK_WAIT = Duration.ofMillis(100);

  private final Connection connection;
  private final String name;
  private final Codec<J> jobs;
  private final Codec<R> results;
  private int capacity = -1;
  private int maxAttempts = -1;
  private @Nullable Duration firstBackoff;
  private @Nullable Duration maxBackoff;
  private @Nullable Duration ackWait;
  private @Nullable SpanRelation spanRelation;

  NatsWorkerPoolBuilder(Connection connection, String name, Codec<J> jobs, Codec<R> results) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.name = StreamSetup.checkName(Objects.requireNonNull(name, "name"), "pool");
    this.jobs = Objects.requireNonNull(jobs, "jobs codec");
    this.results = Objects.requireNonNull(results, "results codec");
  }

  /**
   * Sets the most jobs the stream holds; {@code submit} waits while it is full. Default 10,000.
   *
   * @param capacity the most jobs the stream holds
   * @return this builder
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   * @throws IllegalStateException if the capacity was already set
   */
  public NatsWorkerPoolBuilder<J, R> capacity(int capacity) {
    notSet(this.capacity != -1, "capacity", this.capacity);
    this.capacity = positive(capacity, "capacity");
    return this;
  }

  /**
   * Sets how many times a job is delivered before it goes to the dead-letter subject. Default 5.
   *
   * @param maxAttempts the most deliveries of one job, the first included
   * @return this builder
   * @throws IllegalArgumentException if {@code maxAttempts} is less than 1
   * @throws IllegalStateException if it was already set
   */
  public NatsWorkerPoolBuilder<J, R> maxAttempts(int maxAttempts) {
    notSet(this.maxAttempts != -1, "maxAttempts", this.maxAttempts);
    this.maxAttempts = positive(maxAttempts, "maxAttempts");
    return this;
  }

  /**
   * Sets the delay before a failed job is delivered again: {@code first} after the first failure,
   * doubled after each further one, never more than {@code max}. Default 100 ms and 10 s.
   *
   * @param first the delay after the first failure
   * @param max the longest delay
   * @return this builder
   * @throws IllegalArgumentException if {@code first} is not positive or {@code max} is less than
   *     {@code first}
   * @throws IllegalStateException if the backoff was already set
   */
  public NatsWorkerPoolBuilder<J, R> backoff(Duration first, Duration max) {
    notSet(firstBackoff != null, "backoff", firstBackoff + ".." + maxBackoff);
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(max, "max");
    if (first.isNegative() || first.isZero()) {
      throw new IllegalArgumentException("the first backoff must be positive, but was " + first);
    }
    if (max.compareTo(first) < 0) {
      throw new IllegalArgumentException(
          "the maximum backoff must be at least the first (" + first + "), but was " + max);
    }
    this.firstBackoff = first;
    this.maxBackoff = max;
    return this;
  }

  /**
   * Sets how long a worker may hold a job without a word before JetStream delivers it to another (a
   * worker that died); running jobs tell JetStream they are still being worked on every third of
   * it. Default 30 s.
   *
   * @param ackWait how long a job may go without an acknowledgement or a progress signal
   * @return this builder
   * @throws IllegalArgumentException if {@code ackWait} is less than 100 ms
   * @throws IllegalStateException if it was already set
   */
  public NatsWorkerPoolBuilder<J, R> ackWait(Duration ackWait) {
    notSet(this.ackWait != null, "ackWait", this.ackWait);
    Objects.requireNonNull(ackWait, "ackWait");
    if (ackWait.compareTo(MIN_ACK_WAIT) < 0) {
      throw new IllegalArgumentException("ackWait must be at least 100 ms, but was " + ackWait);
    }
    this.ackWait = ackWait;
    return this;
  }

  /**
   * Sets how a job's {@code process} span relates to the submitter's {@code send} span: {@link
   * SpanRelation#LINK} (default, per the messaging conventions: a new trace that links to the
   * submitter's) or {@link SpanRelation#PARENT} (a child, in the submitter's trace).
   *
   * @param relation {@link SpanRelation#LINK} or {@link SpanRelation#PARENT}
   * @return this builder
   * @throws IllegalStateException if it was already set
   */
  public NatsWorkerPoolBuilder<J, R> spanRelation(SpanRelation relation) {
    notSet(spanRelation != null, "spanRelation", spanRelation);
    this.spanRelation = Objects.requireNonNull(relation, "relation");
    return this;
  }

  /**
   * Creates the pool's streams and consumer, or binds to them if they exist, and returns the pool.
   *
   * @return the pool, ready to submit to and to start workers
   * @throws IOException if the connection fails
   * @throws IllegalStateException if JetStream is not enabled, refuses the streams or the consumer,
   *     or a stream exists with other settings (the message says which)
   */
  public NatsWorkerPool<J, R> build() throws IOException {
    PoolSettings settings =
        new PoolSettings(
            name,
            capacity != -1 ? capacity : 10_000,
            maxAttempts != -1 ? maxAttempts : 5,
            firstBackoff != null ? firstBackoff : Duration.ofMillis(100),
            maxBackoff != null ? maxBackoff : Duration.ofSeconds(10),
            ackWait != null ? ackWait : Duration.ofSeconds(30),
            spanRelation != null ? spanRelation : SpanRelation.LINK);
    PoolStreams.ensure(connection, settings);
    return new NatsWorkerPool<>(connection, settings, jobs, results);
  }

  private static int positive(int value, String what) {
    if (value < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, but was " + value);
    }
    return value;
  }

  private static void notSet(boolean set, String what, @Nullable Object current) {
    if (set) {
      throw new IllegalStateException(what + " was already set to " + current);
    }
  }
}
