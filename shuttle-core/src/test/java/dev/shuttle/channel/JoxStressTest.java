package dev.shuttle.channel;

import static dev.shuttle.channel.Ports.forkCancelable;
import static dev.shuttle.channel.Ports.gosched;
import static dev.shuttle.channel.Ports.join;
import static dev.shuttle.channel.Ports.scaled;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Jox's stress test, ported to Shuttle: eight threads run random sends and receives, each in a
 * thread of its own that is interrupted at random or after 10 ms; at the end the first thread
 * closes the channels. Every message is sent and received at most once, every received message was
 * sent, every sent message was received or is still buffered, and no waiter is left queued.
 *
 * <p>Source: <a
 * href="https://github.com/softwaremill/jox/blob/main/channels/src/test/java/com/softwaremill/jox/StressTest.java">softwaremill/jox
 * channels/src/test/java/com/softwaremill/jox/StressTest.java</a> at commit {@code
 * 8e4a66a47f4566505e794ea371f904d9fbae9176}. Its capacities (Jox's {@code @TestWithCapacities}) are
 * used except {@code -1} (Shuttle has no unlimited channel); a send to a closed channel counts as
 * interrupted, as a {@code ChannelClosed} result does in Jox. Jox's bound on the number of segments
 * (an internal structure) becomes "no sender or receiver left queued". As in Jox, each capacity
 * runs 5 repetitions of 100 iterations, or 20 of 2,000 when {@code CI} is set.
 */
class JoxStressTest {

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(ints = {0, 1, 2, 10, 100, 1000})
  @Timeout(600)
  void testMultipleOperationsDirect(int capacity) throws Exception {
    testAndVerify(capacity, true);
  }

  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(ints = {0, 1, 2, 10, 100, 1000})
  @Timeout(600)
  void testMultipleOperationsSelect(int capacity) throws Exception {
    testAndVerify(capacity, false);
  }

  private record ThreadData(
      List<Channel<String>> chs,
      Random random,
      int threadId,
      boolean direct,
      List<String> sent,
      List<String> received,
      List<String> sendInterrupted,
      AtomicInteger receiveInterrupted) {}

  private static void testAndVerify(int capacity, boolean direct) throws Exception {
    int numberOfRepetitions = scaled(5, 20);
    int numberOfThreads = 8;
    int numberOfIterations = scaled(100, 2000);
    int numberOfChannels = direct ? 1 : 10;

    for (int r = 0; r < numberOfRepetitions; r++) {
      List<Channel<String>> chs = new ArrayList<>();
      for (int i = 0; i < numberOfChannels; i++) {
        chs.add(Channel.buffered(capacity));
      }
      // start threads
      List<CompletableFuture<ThreadData>> forks = new ArrayList<>();
      for (int i = 0; i < numberOfThreads; i++) {
        int finalI = i;
        forks.add(
            TestThreads.async(
                () -> {
                  // copying the channels list, as each thread shuffles it
                  ThreadData data =
                      new ThreadData(
                          new ArrayList<>(chs),
                          new Random(ThreadLocalRandom.current().nextLong()),
                          finalI,
                          direct,
                          new ArrayList<>(),
                          new ArrayList<>(),
                          new ArrayList<>(),
                          new AtomicInteger());
                  for (int j = 0; j < numberOfIterations; j++) {
                    iteration(data, j);
                  }
                  // the first thread closes the channels after its iterations
                  if (finalI == 0) {
                    chs.forEach(Channel::close);
                  }
                  return data;
                }));
      }

      // collect data from all threads, perform duplicate checks
      Set<String> allSent = new HashSet<>();
      Set<String> allReceived = new HashSet<>();
      for (CompletableFuture<ThreadData> fork : forks) {
        ThreadData data = join(fork);
        // sanity check: each iteration should produce a result
        assertThat(
                data.sent().size()
                    + data.sendInterrupted().size()
                    + data.received().size()
                    + data.receiveInterrupted().get())
            .isEqualTo(numberOfIterations);
        // every message should be sent & received once
        assertThat(new HashSet<>(data.sent())).hasSameSizeAs(data.sent());
        assertThat(new HashSet<>(data.received())).hasSameSizeAs(data.received());
        allSent.addAll(data.sent());
        allReceived.addAll(data.received());
      }

      // check received messages
      assertThat(allSent)
          .as("each received message should have been sent")
          .containsAll(allReceived);
      for (Channel<String> ch : chs) {
        for (Received<String> rest = ch.receiveOrClosed();
            rest instanceof Message<String>(String value, Context ignored);
            rest = ch.receiveOrClosed()) {
          allReceived.add(value);
        }
        assertThat(ch.isDrained()).isTrue();
        assertThat(ch.waitingSenders() + ch.waitingReceivers()).as(ch.toString()).isZero();
      }
      assertThat(allReceived)
          .as("each sent message should have been received, or drained")
          .isEqualTo(allSent);
    }
  }

  private static void iteration(ThreadData data, int iteration) throws Exception {
    if (data.random().nextInt(2) == 0) {
      // send
      String msg = "T" + data.threadId() + "I" + iteration;
      boolean shouldCancel = data.random().nextInt(4) == 0;
      Ports.Fork<Boolean> f;
      if (data.direct()) {
        f = forkCancelable(() -> data.chs().get(0).sendOrClosed(msg).isSent());
      } else {
        List<Channel<String>> channels = data.chs();
        Collections.shuffle(channels, data.random());
        List<SelectCase<Boolean>> cases = new ArrayList<>();
        for (Channel<String> ch : channels) {
          cases.add(ch.onSend(msg, () -> true));
        }
        f = forkCancelable(() -> Select.select(Context.root(), cases));
      }
      Object result = outcome(f, shouldCancel);
      if (Boolean.TRUE.equals(result)) {
        data.sent().add(msg);
      } else {
        // interrupted, or the channel was closed: Jox counts both as interrupted
        data.sendInterrupted().add(msg);
      }
    } else {
      // receive
      boolean shouldCancel = data.random().nextInt(4) == 0;
      Ports.Fork<Received<String>> f;
      if (data.direct()) {
        f = forkCancelable(() -> data.chs().get(0).receiveOrClosed());
      } else {
        List<Channel<String>> channels = data.chs();
        Collections.shuffle(channels, data.random());
        List<SelectCase<Received<String>>> cases = new ArrayList<>();
        for (Channel<String> ch : channels) {
          cases.add(ch.onReceiveOrClosed(received -> received));
        }
        f = forkCancelable(() -> Select.select(Context.root(), cases));
      }
      if (outcome(f, shouldCancel) instanceof Message<?>(Object value, Context ignored)) {
        data.received().add((String) value);
      } else {
        // interrupted, or the channel was closed: Jox counts both as interrupted
        data.receiveInterrupted().incrementAndGet();
      }
    }
  }

  /** Jox: cancel at once if asked to, else wait up to 10 ms and then cancel. */
  private static Object outcome(Ports.Fork<?> f, boolean shouldCancel) throws Exception {
    if (shouldCancel) {
      gosched();
      return f.cancel();
    }
    try {
      return f.result().get(10, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return f.cancel();
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
