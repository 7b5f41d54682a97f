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
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.util.List;

/**
 * Creates, or binds to, the JetStream objects of a {@link NatsWorkerPool}: the jobs stream
 * (work-queue retention, refusing new jobs while full, on file), the dead-letter stream (limits
 * retention, on file) and the durable pull consumer of the workers. Idempotent, and safe from any
 * number of processes at once: JetStream accepts the creation of a stream that exists with the same
 * configuration. Stateless.
 */
final class PoolStreams {
  /** JetStream's error code for a stream that exists with another configuration. */
  private static final int STREAM_NAME_IN_USE = 10058;

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
    try {
      management.addStream(wanted);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
        throw new IllegalStateException(
            "JetStream refused the stream " + wanted.getName() + ": " + e.getMessage(), e);
      }
      checkCompatible(management, wanted);
    }
  }

  /** The stream exists with another configuration: bind to it if it works the same way. */
  private static void checkCompatible(JetStreamManagement management, StreamConfiguration wanted)
      throws IOException {
    StreamInfo info;
    try {
      info = management.getStreamInfo(wanted.getName());
    } catch (JetStreamApiException e) {
      throw new IllegalStateException(
          "cannot read the stream " + wanted.getName() + ": " + e.getMessage(), e);
    }
    StreamConfiguration existing = info.getConfiguration();
    String problem = null;
    if (!List.copyOf(existing.getSubjects()).equals(wanted.getSubjects())) {
      problem = "subjects " + existing.getSubjects() + ", not " + wanted.getSubjects();
    } else if (existing.getRetentionPolicy() != wanted.getRetentionPolicy()) {
      problem =
          "retention " + existing.getRetentionPolicy() + ", not " + wanted.getRetentionPolicy();
    } else if (existing.getDiscardPolicy() != wanted.getDiscardPolicy()) {
      problem = "discard " + existing.getDiscardPolicy() + ", not " + wanted.getDiscardPolicy();
    } else if (existing.getMaxMsgs() != wanted.getMaxMsgs()) {
      problem = "capacity " + existing.getMaxMsgs() + ", not " + wanted.getMaxMsgs();
    }
    if (problem != null) {
      throw new IllegalStateException(
          "the stream "
              + wanted.getName()
              + " exists with "
              + problem
              + ": build every process's pool with the same settings, or delete the stream");
    }
  }
}
