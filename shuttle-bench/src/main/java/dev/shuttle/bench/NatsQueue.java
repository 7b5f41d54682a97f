package dev.shuttle.bench;

import io.opentelemetry.context.Context;

/**
 * One work queue on a JetStream server, as {@link NatsChannelBenchmark} drives it: through
 * Shuttle's {@code NatsChannel} or through raw jnats calls on an identically configured stream.
 */
interface NatsQueue extends AutoCloseable {
  /** Publishes {@code value} in {@code context} and returns once JetStream stored it. */
  void send(Context context, String value) throws InterruptedException;

  /** Takes the next value, acknowledging it, waiting until one is there. */
  String receive(Context context) throws InterruptedException;

  /**
   * Starts a background thread that takes and acknowledges every value until {@link #close()}, so
   * that the stream never fills while a producer sends.
   */
  void startDraining();

  /** Returns how many values the background thread took so far. */
  long drained();

  /** Stops draining, deletes the stream and closes the connection. */
  @Override
  void close() throws Exception;
}
