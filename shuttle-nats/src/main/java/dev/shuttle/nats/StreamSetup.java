package dev.shuttle.nats;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What channels and pools share in setting up their JetStream objects: the rule for their names,
 * and creating a stream that every process of an application creates alike. Stateless.
 */
final class StreamSetup {
  /** JetStream's error code for a stream that exists with another configuration. */
  static final int STREAM_NAME_IN_USE = 10058;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private StreamSetup() {}

  /**
   * Returns {@code name} if it can name streams and subjects.
   *
   * @param what {@code channel} or {@code pool}, for the message
   * @throws IllegalArgumentException if it cannot
   */
  static String checkName(String name, String what) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a "
              + what
              + " name must be 1 to 64 letters, digits, '-' or '_' (it names streams and subjects),"
              + " but was \""
              + HeaderText.printableAscii(name, 80)
              + "\"");
    }
    return name;
  }

  /**
   * Creates the stream {@code wanted}. If it exists with another configuration (JetStream refuses
   * to create it again then), returns how it differs in what matters to Shuttle (subjects,
   * retention, discard policy, capacity), as {@code "capacity 7, not 8"}; empty when it does not,
   * and the existing stream serves.
   *
   * @throws JetStreamApiException if JetStream refuses the stream for another reason
   */
  static Optional<String> create(JetStreamManagement management, StreamConfiguration wanted)
      throws IOException, JetStreamApiException {
    try {
      management.addStream(wanted);
      return Optional.empty();
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
        throw e;
      }
    }
    StreamConfiguration existing = management.getStreamInfo(wanted.getName()).getConfiguration();
    if (!List.copyOf(existing.getSubjects()).equals(wanted.getSubjects())) {
      return Optional.of("subjects " + existing.getSubjects() + ", not " + wanted.getSubjects());
    }
    if (existing.getRetentionPolicy() != wanted.getRetentionPolicy()) {
      return Optional.of(
          "retention " + existing.getRetentionPolicy() + ", not " + wanted.getRetentionPolicy());
    }
    if (existing.getDiscardPolicy() != wanted.getDiscardPolicy()) {
      return Optional.of(
          "discard " + existing.getDiscardPolicy() + ", not " + wanted.getDiscardPolicy());
    }
    if (existing.getMaxMsgs() != wanted.getMaxMsgs()) {
      return Optional.of("capacity " + existing.getMaxMsgs() + ", not " + wanted.getMaxMsgs());
    }
    return Optional.empty();
  }
}
