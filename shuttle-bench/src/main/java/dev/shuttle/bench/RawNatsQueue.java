package dev.shuttle.bench;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A {@link NatsQueue} in plain jnats, the baseline: a stream configured as a {@code NatsChannel}'s
 * (work queue, {@code DiscardPolicy.New} at the capacity, file storage, one durable pull consumer
 * with explicit acks, 30 s ack wait, no ack-pending limit). A send publishes synchronously with a
 * {@code Nats-Msg-Id} header (so JetStream deduplicates as it does for the channel) and no other
 * header, and waits 1 ms and retries while the stream is full; a receive fetches one message and
 * acks it; the drain thread pulls batches (of up to {@value #DRAIN_BATCH} messages, or as the
 * constructor says) and acks each message. The context is ignored: no span, no trace header.
 *
 * <p>Implementation note: the benchmark thread alone sends and receives (its subscription is
 * created on the first receive); the drain thread owns a subscription of its own, and {@link
 * #close()} stops it through the volatile {@link #stopped} and joins it.
 */
final class RawNatsQueue implements NatsQueue {
  private static final int MAXIMUM_MESSAGES_EXCEEDED = 10077;

  /** The largest pull of the drain thread: the cap of a {@code NatsChannel}'s receiving thread. */
  static final int DRAIN_BATCH = 256;

  private static final String CONSUMER = "receivers";

  private final Connection connection;
  private final JetStream jetStream;
  private final String stream;
  private final String subject;
  private final String idPrefix =
      HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong drained = new AtomicLong();
  private final int drainBatch;
  private @Nullable JetStreamSubscription receiveSubscription;
  private @Nullable Thread drainer;
  private volatile boolean stopped;

  /**
   * Creates the stream and its consumer; the drain thread will pull up to {@code drainBatch}
   * messages at a time.
   */
  RawNatsQueue(Connection connection, String name, int capacity, int drainBatch)
      throws IOException, JetStreamApiException {
    this.connection = connection;
    this.drainBatch = drainBatch;
    this.stream = "raw-" + name;
    this.subject = "raw." + name;
    JetStreamManagement management = connection.jetStreamManagement();
    management.addStream(
        StreamConfiguration.builder()
            .name(stream)
            .subjects(subject)
            .retentionPolicy(RetentionPolicy.WorkQueue)
            .discardPolicy(DiscardPolicy.New)
            .maxMessages(capacity)
            .storageType(StorageType.File)
            .build());
    management.addOrUpdateConsumer(
        stream,
        ConsumerConfiguration.builder()
            .durable(CONSUMER)
            .filterSubject(subject)
            .ackPolicy(AckPolicy.Explicit)
            .ackWait(Duration.ofSeconds(30))
            .maxAckPending(-1)
            .build());
    this.jetStream = connection.jetStream();
  }

  @Override
  public void send(Context context, String value) throws InterruptedException {
    byte[] body = value.getBytes(StandardCharsets.UTF_8);
    Headers headers = new Headers();
    headers.put("Nats-Msg-Id", idPrefix + "-" + sent.incrementAndGet());
    while (true) {
      try {
        jetStream.publish(subject, headers, body);
        return;
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != MAXIMUM_MESSAGES_EXCEEDED) {
          throw new IllegalStateException(e.getMessage(), e);
        }
        Thread.sleep(1); // full: the same wait a NatsChannel send starts with
      } catch (IOException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
  }

  @Override
  public String receive(Context context) throws InterruptedException {
    JetStreamSubscription subscription = receiveSubscription;
    if (subscription == null) {
      subscription = subscribe();
      receiveSubscription = subscription;
    }
    List<Message> fetched = subscription.fetch(1, Duration.ofSeconds(5));
    if (fetched.isEmpty()) {
      throw new IllegalStateException("no message on " + subject + " within 5 s");
    }
    Message message = fetched.get(0);
    message.ack();
    return new String(message.getData(), StandardCharsets.UTF_8);
  }

  @Override
  public void startDraining() {
    JetStreamSubscription subscription = subscribe();
    drainer =
        Thread.ofVirtual()
            .name("bench-raw-drain")
            .start(
                () -> {
                  while (!stopped) {
                    Iterator<Message> pulled =
                        subscription.iterate(drainBatch, Duration.ofMillis(100));
                    while (pulled.hasNext()) {
                      Message message = pulled.next();
                      if (new String(message.getData(), StandardCharsets.UTF_8).isEmpty()) {
                        throw new IllegalStateException("an empty message on " + subject);
                      }
                      message.ack();
                      drained.incrementAndGet();
                    }
                  }
                  subscription.unsubscribe();
                });
  }

  @Override
  public long drained() {
    return drained.get();
  }

  @Override
  public void close() throws Exception {
    try {
      stopped = true;
      Thread running = drainer;
      if (running != null) {
        running.join();
      }
      connection.jetStreamManagement().deleteStream(stream);
    } finally {
      connection.close();
    }
  }

  private JetStreamSubscription subscribe() {
    try {
      return jetStream.subscribe(subject, PullSubscribeOptions.bind(stream, CONSUMER));
    } catch (IOException | JetStreamApiException e) {
      throw new IllegalStateException("subscribing to " + stream + " failed: " + e.getMessage(), e);
    }
  }
}
