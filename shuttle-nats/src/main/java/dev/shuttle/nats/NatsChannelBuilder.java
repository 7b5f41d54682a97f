package dev.shuttle.nats;

import dev.shuttle.channel.SpanRelation;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds a {@link NatsChannel}: its capacity, how consumer spans relate to the sender's, and the
 * JetStream timings. Not thread-safe; {@link #build()} may be called more than once.
 *
 * @param <T> the type of the channel's values
 */
public final class NatsChannelBuilder<T> {
  /** The capacity of a channel whose builder is given none. */
  public static final int DEFAULT_CAPACITY = 1024;

  final Connection connection;
  final String name;
  final Codec<T> codec;
  int capacity = DEFAULT_CAPACITY;
  SpanRelation spanRelation = SpanRelation.LINK;
  Duration ackWait = Duration.ofSeconds(30);
  Duration ackTimeout = Duration.ofSeconds(5);

  NatsChannelBuilder(Connection connection, String name, Codec<T> codec) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.name = ChannelStreams.checkName(Objects.requireNonNull(name, "name"));
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /**
   * Sets the most values the stream holds (default {@value #DEFAULT_CAPACITY}); a send waits while
   * it holds that many. Every process must open the channel with the same capacity.
   *
   * @param capacity the most values the stream holds
   * @return this builder
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   */
  public NatsChannelBuilder<T> capacity(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, but was " + capacity);
    }
    this.capacity = capacity;
    return this;
  }

  /**
   * Sets how a delivery's {@code receive} span relates to the sender's {@code send} span: linked
   * (the default, as OpenTelemetry's messaging conventions suggest) or its child.
   *
   * @param relation {@link SpanRelation#LINK} or {@link SpanRelation#PARENT}
   * @return this builder
   */
  public NatsChannelBuilder<T> spanRelation(SpanRelation relation) {
    this.spanRelation = Objects.requireNonNull(relation, "relation");
    return this;
  }

  /**
   * Sets how long JetStream waits for a delivered value's acknowledgement before it delivers the
   * value again (default 30 s): how soon a value is redelivered after its receiving process died.
   *
   * @param ackWait the time JetStream waits for an acknowledgement, one second or more
   * @return this builder
   * @throws IllegalArgumentException if {@code ackWait} is under one second
   */
  public NatsChannelBuilder<T> ackWait(Duration ackWait) {
    Objects.requireNonNull(ackWait, "ackWait");
    if (ackWait.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("ackWait must be at least 1s, but was " + ackWait);
    }
    this.ackWait = ackWait;
    return this;
  }

  /**
   * Creates the channel's stream and consumer on the server, or opens them if another process
   * already did, and returns this process's handle on the channel.
   *
   * @return the open channel, watching for its close
   * @throws IllegalArgumentException if the channel exists with another capacity
   * @throws UncheckedIOException if the server cannot be reached
   * @throws IllegalStateException if JetStream is not enabled on the server, or refuses the set-up
   */
  public NatsChannel<T> build() {
    try {
      return new NatsChannel<>(this);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "opening NATS channel " + name + " failed: " + e.getMessage(), e);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException(
          "opening NATS channel " + name + " failed: " + e.getMessage(), e);
    }
  }
}
