package dev.shuttle.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.testing.ForEachCapacity;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Eight threads — four producers, four consumers — run random sends, receives, selects, try-
 * operations and operations under contexts that time out, while a chaos thread interrupts them and
 * closes one channel mid-run; then the other channels are closed. Every value whose send succeeded
 * is received exactly once, no value whose send failed is received, and every thread finishes.
 *
 * <p>Scales up when the environment variable {@code CI} is set; {@code -Pstress} runs a long
 * version.
 */
class ChannelStressTest {
  private static final int PRODUCERS = 4;
  private static final int CONSUMERS = 4;

  @ForEachCapacity
  @Timeout(120)
  void noValueIsLostOrDuplicated(int capacity) throws Exception {
    run(capacity, System.getenv("CI") != null ? 10_000 : 3_000);
  }

  @ForEachCapacity
  @Tag("stress")
  @Timeout(1800)
  void noValueIsLostOrDuplicatedLong(int capacity) throws Exception {
    run(capacity, 500_000);
  }

  private static void run(int capacity, int attemptsPerProducer) throws Exception {
    List<Channel<Long>> channels =
        List.of(Channel.buffered(capacity), Channel.buffered(capacity), Channel.buffered(capacity));
    Set<Long> sent = ConcurrentHashMap.newKeySet();
    Set<Long> failed = ConcurrentHashMap.newKeySet();
    Set<Long> received = ConcurrentHashMap.newKeySet();
    AtomicLong duplicates = new AtomicLong();
    AtomicBoolean closing = new AtomicBoolean();
    AtomicBoolean chaos = new AtomicBoolean(true);

    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < PRODUCERS; p++) {
      long base = (long) p << 32;
      producers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (long i = 0; i < attemptsPerProducer; i++) {
                      long id = base + i;
                      (sendOnce(channels, id) ? sent : failed).add(id);
                    }
                  }));
    }
    List<Thread> consumers = new ArrayList<>();
    for (int c = 0; c < CONSUMERS; c++) {
      consumers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (!(closing.get() && channels.stream().allMatch(Channel::isDrained))) {
                      Long id = receiveOnce(channels);
                      if (id != null && !received.add(id)) {
                        duplicates.incrementAndGet();
                      }
                    }
                  }));
    }
    List<Thread> workers = new ArrayList<>(producers);
    workers.addAll(consumers);
    Thread chaosThread =
        Thread.ofVirtual()
            .start(
                () -> {
                  int closeAfter = ThreadLocalRandom.current().nextInt(20, 200);
                  for (int round = 0; chaos.get(); round++) {
                    if (round == closeAfter) {
                      channels.get(0).close(); // mid-run: its sends now fail, receivers drain it
                    }
                    workers.get(ThreadLocalRandom.current().nextInt(workers.size())).interrupt();
                    try {
                      Thread.sleep(1);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });

    for (Thread producer : producers) {
      producer.join();
    }
    chaos.set(false);
    chaosThread.join();
    closing.set(true);
    for (Channel<Long> channel : channels) {
      if (!channel.isClosed()) {
        channel.close();
      }
    }
    for (Thread consumer : consumers) {
      assertThat(consumer.join(Duration.ofSeconds(30))).as("consumer finished").isTrue();
    }

    assertThat(duplicates.get()).as("duplicates").isZero();
    assertThat(sent).as("some sends must succeed").isNotEmpty();
    assertThat(received).as("received exactly the values that were sent").isEqualTo(sent);
    assertThat(failed).as("a failed send never delivers").doesNotContainAnyElementsOf(received);
    for (Channel<Long> channel : channels) {
      assertThat(channel.waitingSenders() + channel.waitingReceivers()).isZero();
    }
  }

  /** Sends {@code id} by a random method; {@code true} only if it was sent. */
  private static boolean sendOnce(List<Channel<Long>> channels, long id) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Channel<Long> channel = channels.get(random.nextInt(channels.size()));
    try {
      switch (random.nextInt(5)) {
        case 0 -> {
          channel.send(id);
          return true;
        }
        case 1 -> {
          return channel.trySend(id);
        }
        case 2 -> {
          try (CancelableContext timeout = shortTimeout()) {
            channel.send(timeout.context(), id);
            return true;
          }
        }
        case 3 -> {
          Channel<Long> other = channels.get(random.nextInt(channels.size()));
          return Select.select(channel.onSend(id, () -> true), other.onSend(id, () -> true));
        }
        default -> {
          return Select.select(channel.onSend(id, () -> true), Select.defaultCase(() -> false));
        }
      }
    } catch (InterruptedException | ContextDoneException | ChannelClosedException e) {
      return false;
    }
  }

  /** Receives by a random method; the value, or {@code null} if nothing was received. */
  private static @Nullable Long receiveOnce(List<Channel<Long>> channels) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Channel<Long> channel = channels.get(random.nextInt(channels.size()));
    try (CancelableContext timeout = shortTimeout()) {
      Received<Long> r =
          switch (random.nextInt(4)) {
            case 0 -> channel.receiveOrClosed(timeout.context());
            case 1 -> channel.tryReceive();
            case 2 ->
                Select.select(
                    timeout.context(),
                    channels.get(0).onReceiveOrClosed(x -> x),
                    channels.get(1).onReceiveOrClosed(x -> x),
                    channels.get(2).onReceiveOrClosed(x -> x));
            default ->
                Select.select(channel.onReceiveOrClosed(x -> x), Select.defaultCase(() -> null));
          };
      return r instanceof Message<Long> m ? m.value() : null;
    } catch (InterruptedException | ContextDoneException e) {
      return null;
    }
  }

  private static CancelableContext shortTimeout() {
    return Contexts.withTimeout(
        Context.root(), Duration.ofNanos(ThreadLocalRandom.current().nextLong(1, 300_000)));
  }
}
