package dev.shuttle.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a {@link NatsChannel} lives on the server, and how it is set up: a work-queue stream {@code
 * shuttle-chan-<name>} on the subject {@code shuttle.chan.<name>} holding at most the channel's
 * capacity (further publishes are refused, which {@link Publisher} turns into waiting), one durable
 * pull consumer {@code receivers} shared by every receiving process, and the key {@code <name>} in
 * the key-value bucket {@value #BUCKET}, present once the channel is closed. Stateless.
 */
final class ChannelStreams {
  static final String BUCKET = "shuttle-channels";
  static final String CONSUMER = "receivers";

  private ChannelStreams() {}

  static String checkName(String name) {
    return StreamSetup.checkName(name, "channel");
  }

  static String stream(String name) {
    return "shuttle-chan-" + name;
  }

  static String subject(String name) {
    return "shuttle.chan." + name;
  }

  /**
   * Creates the stream and the consumer, or binds to an existing stream made the same way.
   *
   * @throws IllegalArgumentException if the channel exists with another capacity
   */
  static void ensure(Connection connection, String name, int capacity, Duration ackWait)
      throws IOException, JetStreamApiException {
    JetStreamManagement management = connection.jetStreamManagement();
    StreamConfiguration config =
        StreamConfiguration.builder()
            .name(stream(name))
            .subjects(subject(name))
            .retentionPolicy(RetentionPolicy.WorkQueue)
            .discardPolicy(DiscardPolicy.New)
            .maxMessages(capacity)
            .storageType(StorageType.File)
            .build();
    Optional<String> difference = StreamSetup.create(management, config);
    if (difference.isPresent()) {
      throw new IllegalArgumentException(
          "channel \""
              + name
              + "\" exists with "
              + difference.get()
              + "; open it with the same settings in every process, or delete it with"
              + " NatsChannel.delete");
    }
    management.addOrUpdateConsumer(
        stream(name),
        ConsumerConfiguration.builder()
            .durable(CONSUMER)
            .filterSubject(subject(name))
            .ackPolicy(AckPolicy.Explicit)
            .ackWait(ackWait)
            .maxAckPending(-1)
            .build());
  }

  /** Returns the bucket of closed flags, creating it on first use. */
  static KeyValue closedFlags(Connection connection) throws IOException, JetStreamApiException {
    KeyValueManagement management = connection.keyValueManagement();
    try {
      management.getStatus(BUCKET);
    } catch (JetStreamApiException missing) {
      try {
        management.create(
            KeyValueConfiguration.builder()
                .name(BUCKET)
                .storageType(StorageType.File)
                .maxHistoryPerKey(1)
                .build());
      } catch (JetStreamApiException raced) {
        if (raced.getApiErrorCode() != StreamSetup.STREAM_NAME_IN_USE) {
          throw raced;
        }
      }
    }
    return connection.keyValue(BUCKET);
  }

  /** Deletes the stream (with every value in it) and the closed flag; absent parts are skipped. */
  static boolean delete(Connection connection, String name) {
    try {
      boolean deleted = false;
      JetStreamManagement management = connection.jetStreamManagement();
      if (management.getStreamNames().contains(stream(name))) {
        deleted = management.deleteStream(stream(name));
      }
      closedFlags(connection).purge(name);
      return deleted;
    } catch (IOException e) {
      throw new UncheckedIOException("deleting channel " + name + " failed: " + e.getMessage(), e);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException("deleting channel " + name + " failed: " + e.getMessage(), e);
    }
  }
}
