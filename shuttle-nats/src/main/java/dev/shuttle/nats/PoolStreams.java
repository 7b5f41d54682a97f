package dev.shuttle.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.util.Optional;

/**
 * Creates, or binds to, the JetStream objects of a {@link NatsWorkerPool}: the jobs stream
 * (work-queue retention, refusing new jobs while full, on file), the dead-letter stream (limits
 * retention, on file) and the durable pull consumer of the workers. Idempotent, and safe from any
 * number of processes at once: JetStream accepts the creation of a stream that exists with the same
 * configuration. Stateless.
 */
final class PoolStreams {
  private PoolStreams() {}

  static void ensure(Connection connection, PoolSettings settings) throws IOException {
    JetStreamManagement management = connection.jetStreamManagement();
    StreamConfiguration jobs =
        StreamConfiguration.builder()
            .name(settings.jobsStream())
            .subjects(settings.jobsSubject())
            .retentionPolicy(RetentionPolicy.WorkQueue)
            .discardPolicy(DiscardPolicy.New)
            .maxMessages(settings.capacity())
            .storageType(StorageType.File)
            .build();
    StreamConfiguration dead =
        StreamConfiguration.builder()
            .name(settings.deadStream())
            .subjects(settings.deadSubject())
            .retentionPolicy(RetentionPolicy.Limits)
            .storageType(StorageType.File)
            .build();
    stream(management, jobs);
    stream(management, dead);
    ConsumerConfiguration consumer =
        ConsumerConfiguration.builder()
            .durable(PoolSettings.CONSUMER)
            .ackPolicy(AckPolicy.Explicit)
            .ackWait(settings.ackWait())
            .filterSubject(settings.jobsSubject())
            .build();
    try {
      management.addOrUpdateConsumer(settings.jobsStream(), consumer);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException(
          "JetStream refused the consumer "
              + PoolSettings.CONSUMER
              + " of stream "
              + settings.jobsStream()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void stream(JetStreamManagement management, StreamConfiguration wanted)
      throws IOException {
    Optional<String> difference;
    try {
      difference = StreamSetup.create(management, wanted);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException(
          "JetStream refused the stream " + wanted.getName() + ": " + e.getMessage(), e);
    }
    if (difference.isPresent()) {
      throw new IllegalStateException(
          "the stream "
              + wanted.getName()
              + " exists with "
              + difference.get()
              + ": build every process's pool with the same settings, or delete the stream");
    }
  }
}
