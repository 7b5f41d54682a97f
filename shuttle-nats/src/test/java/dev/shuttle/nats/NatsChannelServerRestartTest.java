package dev.shuttle.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.Go;
import dev.shuttle.Goroutine;
import dev.shuttle.channel.Closed;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.Received;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A nats-server stopped and started again on its file store, on the same port, while producers send
 * and receivers receive on their own connections (each standing for a process), which reconnect
 * without end: every value whose send returned is received, sends made during the outage wait and
 * complete after the restart, and a close made after the restart reaches the receivers.
 */
class NatsChannelServerRestartTest {
  private static final String NAME = "restart";
  private static final int PRODUCERS = 2;
  private static final int RECEIVERS = 2;
  private static final int BEFORE = 200;
  private static final int AFTER = 200;
  private static final Duration OUTAGE = Duration.ofSeconds(1);

  /** Longer than jnats's JetStream request timeout (2 s by default). */
  private static final Duration LONG_OUTAGE = Duration.ofMillis(2500);

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Far more than a close takes on a healthy connection, far less than jnats's heartbeat alarm. */
  private static final Duration CLOSE_SEEN_WITHIN = Duration.ofSeconds(5);

  private final Queue<String> accepted = new ConcurrentLinkedQueue<>();
  private final Queue<String> received = new ConcurrentLinkedQueue<>();
  private final List<Connection> connections = new ArrayList<>();
  private final List<NatsChannel<String>> channels = new ArrayList<>();

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void everyAcceptedSendIsReceivedAcrossARestart() throws Exception {
    try (NatsServer server = NatsServer.start()) {
      try {
        sendAndReceiveAcrossARestart(server);
      } finally {
        closeAll();
      }
    }
  }

  /**
   * Fails today: the close arrives through jnats's key-value watch, an ordered push consumer that
   * the restart drops; jnats re-creates it only when its heartbeat alarm fires (no message for 3
   * idle heartbeats of 5 s, checked every 15 s), so the receiver learns of the close 15 to 30 s
   * after the last message it had before the outage, and until then waits on a drained channel
   * while sends from its process are still accepted.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aCloseMadeAfterARestartReachesAReceiverOnAnotherConnection() throws Exception {
    try (NatsServer server = NatsServer.start()) {
      try {
        // given a receiver waiting on one connection, and a server restarted under both
        NatsChannel<String> out = open(server);
        NatsChannel<String> in = open(server);
        out.send("before the restart");
        assertThat(in.receive()).isEqualTo("before the restart"); // its receiving thread runs
        Goroutine<Received<String>> waiting = Go.start(() -> in.receiveOrClosed(Context.root()));
        server.stop();
        server.restart();
        await(
            () -> connections.stream().allMatch(c -> c.getStatus() == Connection.Status.CONNECTED),
            "both connections back");
        out.send("after the restart");
        Received<String> got = waiting.join(WAIT);
        if (!(got instanceof Message<String> first)) {
          throw new AssertionError("the receiver saw the channel closed before it was: " + got);
        }
        assertThat(first.value()).isEqualTo("after the restart");

        // when the channel is closed on the other connection
        out.close();

        // then the receiver sees it closed within a few seconds, not after jnats's heartbeat alarm
        Goroutine<Received<String>> next = Go.start(() -> in.receiveOrClosed(Context.root()));
        try {
          assertThat(next.join(CLOSE_SEEN_WITHIN)).isInstanceOf(Closed.class);
        } catch (TimeoutException e) {
          throw new AssertionError(
              "a receiver on another connection did not see the close within "
                  + CLOSE_SEEN_WITHIN
                  + " after a server restart (its isClosed(): "
                  + in.isClosed()
                  + ")",
              e);
        }
        assertThat(in.isClosed()).isTrue();
      } finally {
        closeAll();
      }
    }
  }

  /**
   * Fails today: the first receive in a process starts its receiving thread, which binds to the
   * consumer with a JetStream request; during an outage longer than jnats's request timeout (2 s by
   * default) that request fails and the receive throws {@code UncheckedIOException} ("Timeout or no
   * response waiting for NATS JetStream server"), where a send waits for the server.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aFirstReceiveDuringAnOutageWaitsForTheServer() throws Exception {
    try (NatsServer server = NatsServer.start()) {
      try {
        // given a channel opened on two connections, nothing received yet, and the server down
        NatsChannel<String> out = open(server);
        NatsChannel<String> in = open(server);
        server.stop();

        // when a receive starts during an outage longer than a JetStream request's timeout
        Goroutine<String> receiving = Go.start(() -> in.receive());
        Thread.sleep(LONG_OUTAGE.toMillis()); // the outage
        server.restart();
        await(
            () -> connections.stream().allMatch(c -> c.getStatus() == Connection.Status.CONNECTED),
            "both connections back");
        out.send("after the restart");

        // then it waits, as a send does, and receives the value sent after the restart
        assertThat(receiving.join(WAIT)).isEqualTo("after the restart");
      } finally {
        closeAll();
      }
    }
  }

  private void closeAll() throws InterruptedException {
    for (NatsChannel<String> channel : channels) {
      channel.detach();
    }
    for (Connection connection : connections) {
      connection.close();
    }
  }

  private void sendAndReceiveAcrossARestart(NatsServer server) throws Exception {
    // given producers and receivers on their own connections, which reconnect without end
    List<Producer> producers = new ArrayList<>();
    for (int p = 0; p < PRODUCERS; p++) {
      producers.add(new Producer("p" + p, open(server)));
    }
    List<NatsChannel<String>> ins = new ArrayList<>();
    List<Goroutine<Void>> receiving = new ArrayList<>();
    for (int r = 0; r < RECEIVERS; r++) {
      NatsChannel<String> in = open(server);
      ins.add(in);
      receiving.add(
          Go.start(
              () -> {
                for (String value : in) {
                  received.add(value);
                }
                return null;
              }));
    }
    producers.forEach(Producer::start);
    await(() -> accepted.size() >= BEFORE && received.size() >= BEFORE / 2, "traffic before");

    // when the server stops, stays down for a while, and starts again on its store
    server.stop();
    int acceptedAtStop = accepted.size();
    Thread.sleep(OUTAGE.toMillis()); // the outage
    List<String> waiting = new ArrayList<>();
    for (Producer producer : producers) {
      assertThat(producer.failure()).as("a send failed during the outage").isNull();
      waiting.add(producer.current());
    }
    int acceptedInOutage = accepted.size();
    // an acknowledgement the server wrote just before it exited may be read after stop() returned
    assertThat(acceptedInOutage - acceptedAtStop)
        .as("sends accepted while the server was down")
        .isLessThanOrEqualTo(PRODUCERS);
    assertThat(accepted)
        .as("values being sent at the end of the outage")
        .doesNotContainAnyElementsOf(waiting);
    server.restart();

    // then sends go on, the ones that waited included, and every accepted value arrives
    await(() -> accepted.size() >= acceptedInOutage + AFTER, "sends after the restart");
    for (Producer producer : producers) {
      producer.stop();
    }
    assertThat(accepted).containsAll(waiting);
    // bounded: a lost value shows in the assertion below, with what went missing
    awaitOrGiveUp(() -> new HashSet<>(received).containsAll(accepted));
    for (int r = 0; r < RECEIVERS; r++) {
      ins.get(r).detach(); // ends the receiver's loop
      receiving.get(r).join(WAIT);
    }
    Map<String, Integer> counts = new HashMap<>();
    received.forEach(value -> counts.merge(value, 1, Integer::sum));
    List<String> twice =
        counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    assertThat(counts.keySet())
        .as(
            "received (%d values; %d received more than once: %s)",
            received.size(), twice.size(), twice)
        .containsAll(accepted);
    assertThat(accepted).containsAll(counts.keySet()); // nothing that was not sent
    for (Connection connection : connections) {
      assertThat(connection.getStatistics().getReconnects()).isPositive();
    }
  }

  private NatsChannel<String> open(NatsServer server) throws Exception {
    Connection connection =
        Nats.connect(
            Options.builder()
                .server(server.url())
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(50))
                .reconnectJitter(Duration.ofMillis(10))
                .build());
    connections.add(connection);
    NatsChannel<String> channel =
        NatsChannel.builder(connection, NAME, Codec.utf8()).ackWait(Duration.ofSeconds(1)).build();
    channels.add(channel);
    return channel;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    if (!awaitOrGiveUp(condition)) {
      throw new AssertionError(what + ": not within " + WAIT);
    }
  }

  /** Waits until {@code condition} holds, for {@link #WAIT} at most; returns whether it does. */
  private static boolean awaitOrGiveUp(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /** Sends {@code <id>-0}, {@code <id>-1}, ... until stopped, recording each accepted value. */
  private final class Producer {
    final NatsChannel<String> channel;
    private final String id;
    private final AtomicReference<@Nullable String> current = new AtomicReference<>();
    private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;
    private @Nullable Goroutine<Void> sending;

    Producer(String id, NatsChannel<String> channel) {
      this.id = id;
      this.channel = channel;
    }

    void start() {
      sending =
          Go.start(
              () -> {
                try {
                  for (int i = 0; !stopping; i++) {
                    String value = id + "-" + i;
                    current.set(value);
                    channel.send(value);
                    accepted.add(value);
                  }
                } catch (RuntimeException | InterruptedException e) {
                  failure.set(e);
                  throw e;
                }
                return null;
              });
    }

    String current() {
      String value = current.get();
      if (value == null) {
        throw new AssertionError(id + " has sent nothing");
      }
      return value;
    }

    @Nullable Throwable failure() {
      return failure.get();
    }

    void stop() throws Exception {
      stopping = true;
      Goroutine<Void> running = sending;
      if (running != null) {
        running.join(WAIT);
      }
    }
  }
}
