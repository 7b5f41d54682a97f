package dev.shuttle.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.Go;
import dev.shuttle.Goroutine;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A receiving process killed ({@code kill -9}) while it holds a value it has pulled loses nothing:
 * JetStream delivers that value again after the ack wait, to a receiver in another process.
 */
class NatsChannelKilledReceiverTest {
  private static final int CAPACITY = 256;
  private static final int SENT_BEFORE = 60;
  private static final int SENT_DURING = 60;
  private static final int RECEIVERS = 4;
  private static final int FREEZE_AFTER = 20;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void everyValueIsReceivedOnceTheKilledProcesssValuesAreDeliveredAgain() throws Exception {
    try (NatsServer server = NatsServer.start();
        Connection producer = Nats.connect(server.url());
        Connection survivor = Nats.connect(server.url())) {
      String name = "killed";
      NatsChannel<String> out = open(producer, name);
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < SENT_BEFORE; i++) {
        out.send("k-" + i);
        sent.add("k-" + i);
      }

      List<String> printed;
      long inFlightAtKill;
      try (ChildJvmProcess child =
          ChildJvmProcess.start(
              ChannelChild.class,
              List.of(
                  "hold",
                  server.url(),
                  name,
                  Integer.toString(CAPACITY),
                  Integer.toString(RECEIVERS),
                  Integer.toString(FREEZE_AFTER)))) {
        // given a child process receiving while this one keeps sending
        Goroutine<List<String>> sending =
            Go.start(
                () -> {
                  List<String> more = new ArrayList<>();
                  for (int i = SENT_BEFORE; i < SENT_BEFORE + SENT_DURING; i++) {
                    out.send("k-" + i);
                    more.add("k-" + i);
                  }
                  return more;
                });
        child.awaitOutLine("frozen"::equals, Duration.ofSeconds(30));
        // its receivers have stopped taking values (each printed what it took), and the server
        // counts a value delivered to it and not acknowledged
        inFlightAtKill = awaitAckPending(producer, name);

        // when it is killed
        child.kill();
        sent.addAll(sending.join());
        printed =
            child.out().stream()
                .filter(line -> line.startsWith("got "))
                .map(line -> line.substring("got ".length()))
                .toList();
      }

      // then a receiver in this process, once the channel is closed, drains every other value,
      // including the one the child held (after the 1 s ack wait)
      NatsChannel<String> in = open(survivor, name);
      out.close();
      List<String> drained = new ArrayList<>();
      for (String value : in) {
        drained.add(value);
      }
      in.detach();
      out.detach();

      assertThat(inFlightAtKill).as("values delivered to the child, not acknowledged").isPositive();
      assertThat(printed)
          .as("what the child took before it froze")
          .hasSizeBetween(FREEZE_AFTER, FREEZE_AFTER + RECEIVERS - 1)
          .doesNotHaveDuplicates();
      assertThat(drained).doesNotHaveDuplicates();
      Set<String> union = new HashSet<>(printed);
      union.addAll(drained);
      // at least once: a value the child took whose ack had not left it may come again
      Set<String> twice = new HashSet<>(printed);
      twice.retainAll(drained);
      assertThat(union)
          .as("received by the child or by this process (%s received twice)", twice)
          .containsExactlyInAnyOrderElementsOf(sent);
    }
  }

  private static NatsChannel<String> open(Connection connection, String name) {
    return NatsChannel.builder(connection, name, Codec.utf8())
        .capacity(CAPACITY)
        .ackWait(Duration.ofSeconds(1))
        .build();
  }

  /**
   * Waits until the channel's consumer has a value delivered and not acknowledged; returns them.
   */
  private static long awaitAckPending(Connection connection, String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      ConsumerInfo info =
          connection
              .jetStreamManagement()
              .getConsumerInfo(ChannelStreams.stream(name), ChannelStreams.CONSUMER);
      if (info.getNumAckPending() > 0 || System.nanoTime() > deadline) {
        return info.getNumAckPending();
      }
      Thread.sleep(5);
    }
  }
}
