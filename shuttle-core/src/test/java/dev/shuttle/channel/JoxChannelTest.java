package dev.shuttle.channel;

import static dev.shuttle.channel.Ports.forkCancelable;
import static dev.shuttle.channel.Ports.go;
import static dev.shuttle.channel.Ports.gosched;
import static dev.shuttle.channel.Ports.join;
import static dev.shuttle.channel.Ports.joinAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.testing.Waits;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Jox's channel tests, ported to Shuttle: one nested class per Jox test class, each test method
 * named after Jox's.
 *
 * <p>Source: <a href="https://github.com/softwaremill/jox">softwaremill/jox</a> {@code
 * channels/src/test/java/com/softwaremill/jox/} at commit {@code
 * 8e4a66a47f4566505e794ea371f904d9fbae9176}: {@code ChannelRendezvousTest}, {@code
 * ChannelBufferedTest}, {@code ChannelClosedTest}, {@code ChannelInterruptionTest}, {@code
 * ChannelTest}, {@code ChannelTrySendReceiveTest}, {@code SourceOpsForEachTest}. Jox's {@code
 * done()} is Shuttle's {@code close()}, {@code error(e)} is {@code close(e)}, {@code
 * isClosedForSend()} is {@code isClosed()}, {@code isClosedForReceive()} is {@code isDrained()},
 * {@code ChannelDone}/{@code ChannelError} are {@link Closed} without/with an error, and {@code
 * sendOrClosed}/{@code trySendOrClosed} return {@link SendStatus#SENT} where Jox returns {@code
 * null}, {@link SendStatus#FULL} where it returns its not-sent sentinel. Jox's
 * {@code @TestWithCapacities} becomes a parameterised test over 0, 1, 2, 10, 100 and 1000. Where
 * Jox sleeps to let a thread suspend, the port waits until the channel shows it waiting.
 *
 * <p>Not ported, because Shuttle differs on purpose (Go's rules):
 *
 * <ul>
 *   <li>{@code ChannelBufferedTest.shouldNotReceiveFromAChannelInCaseOfAnError}, {@code
 *       ChannelClosedTest.testClosed_hasValues_whenError}, {@code
 *       ChannelTrySendReceiveTest.tryReceiveOrClosed_closedError_withBufferedValues_shouldReturnError}:
 *       Jox's {@code error()} discards buffered values; Shuttle's {@code close(error)} lets
 *       receivers drain them first and then reports the error (covered by {@code
 *       ChannelTest.closeWithErrorReachesReceiversAfterTheBufferedValues}).
 *   <li>{@code ChannelClosedTest.testClosed_hasSuspendedValues_whenDone}: Jox's {@code done()}
 *       still delivers the values of senders suspended at that moment; Go's {@code close} (and
 *       Shuttle's) fails them ({@code ChannelTest.closeReleasesBlockedSendersWithAnException}).
 *   <li>{@code ChannelTrySendReceiveTest.tryReceive_closedDone_noValues_shouldThrow} and {@code
 *       tryReceive_closedError_shouldThrow}: Shuttle's {@code tryReceive} is Jox's {@code
 *       tryReceiveOrClosed} (it returns {@link Closed}); those cases are ported under that name.
 * </ul>
 *
 * <p>Not ported, because they do not apply: {@code ChannelUnlimitedTest}, {@code
 * trySend_unlimited_shouldAlwaysSend}, {@code tryReceive_unlimited_shouldReceiveBufferedValues} and
 * the capacity {@code -1} (Shuttle has no unlimited channels); {@code SegmentTest}, {@code
 * SegmentRendezvousTest} and {@code ChannelBufferedTest.shouldProcessCellsInitially} (Jox's
 * internal segment structure); {@code ChannelRendezvousTest.performanceTest} (disabled in Jox, a
 * benchmark); the first assertion of {@code trySend_static_toMultipleChannels} ({@code
 * Sink.trySend} over no channels). Jox's segment counts in the memory-leak tests become Shuttle's
 * count of queued waiters.
 */
class JoxChannelTest {

  private static void sendRange(Channel<Integer> channel, int from, int to)
      throws InterruptedException {
    for (int i = from; i <= to; i++) {
      channel.send(i);
    }
  }

  private static void sendReceiveInManyForks(Channel<Integer> channel) throws Exception {
    // given
    Set<Integer> s = new ConcurrentSkipListSet<>();
    List<CompletableFuture<Void>> fs = new ArrayList<>();
    // when
    for (int i = 1; i <= 1000; i++) {
      int ii = i;
      fs.add(go(() -> channel.send(ii)));
    }
    for (int i = 1; i <= 1000; i++) {
      fs.add(go(() -> s.add(channel.receive())));
    }
    joinAll(fs);
    // then
    assertThat(s).hasSize(1000);
  }

  private static void sendReceiveManyElementsInTwoForks(Channel<Integer> channel) throws Exception {
    // given
    Set<Integer> s = new ConcurrentSkipListSet<>();
    // when
    CompletableFuture<Void> sender = go(() -> sendRange(channel, 1, 1000));
    join(
        go(
            () -> {
              for (int i = 1; i <= 1000; i++) {
                s.add(channel.receive());
              }
            }));
    join(sender);
    // then
    assertThat(s).hasSize(1000);
  }

  @Nested
  @Timeout(30)
  class ChannelRendezvousTest {
    @Test
    void testSimpleSendReceive() throws Exception {
      // given
      Channel<String> channel = Channel.rendezvous();
      // when
      CompletableFuture<Void> sender = go(() -> channel.send("x"));
      CompletableFuture<String> receiver = TestThreads.async(channel::receive);
      // then
      assertThat(join(receiver)).isEqualTo("x");
      join(sender);
    }

    @Test
    void testSendReceiveInManyForks() throws Exception {
      sendReceiveInManyForks(Channel.rendezvous());
    }

    @Test
    void testSendReceiveManyElementsInTwoForks() throws Exception {
      sendReceiveManyElementsInTwoForks(Channel.rendezvous());
    }

    @Test
    void testSendWaitsForRendezvous() throws Exception {
      // given
      Channel<Integer> channel = Channel.rendezvous();
      ConcurrentLinkedQueue<String> trail = new ConcurrentLinkedQueue<>();
      // when
      CompletableFuture<Void> s1 =
          go(
              () -> {
                channel.send(1);
                trail.add("S");
              });
      CompletableFuture<Void> s2 =
          go(
              () -> {
                channel.send(2);
                trail.add("S");
              });
      Waits.until(() -> channel.waitingSenders() == 2); // Jox: sleep(100)
      trail.add("R1");
      int r1 = channel.receive();
      Waits.until(() -> trail.size() == 2);
      assertThat(channel.waitingSenders()).isEqualTo(1); // the other send still waits
      trail.add("R2");
      int r2 = channel.receive();
      joinAll(List.of(s1, s2));
      // then
      assertThat(Set.of(r1, r2)).isEqualTo(Set.of(1, 2));
      assertThat(trail).containsExactly("R1", "S", "R2", "S");
    }

    @Test
    void pendingReceivesShouldGetNotifiedThatChannelIsDone() throws Exception {
      // given
      Channel<Integer> c = Channel.rendezvous();
      CompletableFuture<Received<Integer>> f = TestThreads.async(c::receiveOrClosed);
      Waits.until(() -> c.waitingReceivers() == 1);
      // when
      c.close();
      // then
      assertThat(join(f)).isEqualTo(new Closed<Integer>(null));
      // should be rejected immediately
      assertThat(c.receiveOrClosed()).isEqualTo(new Closed<Integer>(null));
    }

    @Test
    void pendingSendsShouldGetNotifiedThatChannelIsErrored() throws Exception {
      // given
      Channel<Integer> c = Channel.rendezvous();
      CompletableFuture<SendResult> f = TestThreads.async(() -> c.sendOrClosed(1));
      Waits.until(() -> c.waitingSenders() == 1);
      // when
      RuntimeException reason = new RuntimeException();
      c.close(reason);
      // then
      assertThat(join(f)).isEqualTo(new Closed<Integer>(reason));
      // should be rejected immediately
      assertThat(c.sendOrClosed(2)).isEqualTo(new Closed<Integer>(reason));
      assertThatThrownBy(() -> c.send(3))
          .isInstanceOf(ChannelClosedException.class)
          .hasCause(reason);
    }
  }

  @Nested
  @Timeout(30)
  class ChannelBufferedTest {
    @Test
    void testSimpleSendReceiveBuffer1() throws Exception {
      // given
      Channel<String> channel = Channel.buffered(1);
      // when
      channel.send("x"); // should not block
      String r = channel.receive(); // also should not block
      // then
      assertThat(r).isEqualTo("x");
    }

    @Test
    void testSimpleSendReceiveBuffer2() throws Exception {
      // given
      Channel<String> channel = Channel.buffered(2);
      // when
      channel.send("x"); // should not block
      channel.send("y"); // should not block
      String r1 = channel.receive(); // also should not block
      String r2 = channel.receive(); // also should not block
      // then
      assertThat(r1).isEqualTo("x");
      assertThat(r2).isEqualTo("y");
    }

    @Test
    void testBufferCapacityStaysTheSameAfterSendsReceives() throws Exception {
      // given
      Channel<Integer> channel = Channel.buffered(2);
      // when
      CompletableFuture<Void> sender = go(() -> sendRange(channel, 1, 4));
      // then
      Waits.until(() -> channel.len() == 2 && channel.waitingSenders() == 1);
      assertThat(channel.receive()).isEqualTo(1);
      Waits.until(() -> channel.len() == 2 && channel.waitingSenders() == 1);
      assertThat(channel.receive()).isEqualTo(2);
      join(sender);
      assertThat(channel.receive()).isEqualTo(3);
      assertThat(channel.receive()).isEqualTo(4);
      assertThat(channel.trySend(5)).as("should not block").isTrue();
      assertThat(channel.trySend(6)).as("should not block").isTrue();
    }

    @Test
    void shouldReceiveFromAChannelUntilDone() throws Exception {
      // given
      Channel<Integer> c = Channel.buffered(3);
      c.send(1);
      c.send(2);
      c.close();
      // when
      Received<Integer> r1 = c.receiveOrClosed();
      Received<Integer> r2 = c.receiveOrClosed();
      Received<Integer> r3 = c.receiveOrClosed();
      // then
      assertThat(r1).isInstanceOfSatisfying(Message.class, m -> assertThat(m.value()).isEqualTo(1));
      assertThat(r2).isInstanceOfSatisfying(Message.class, m -> assertThat(m.value()).isEqualTo(2));
      assertThat(r3).isInstanceOf(Closed.class);
    }
  }

  @Nested
  @Timeout(30)
  class ChannelClosedTest {
    @Test
    void testClosed_noValues_whenError() throws Exception {
      // given
      Channel<Integer> c = Channel.rendezvous();
      RuntimeException reason = new RuntimeException();
      // when
      c.close(reason);
      // then
      assertThat(c.isDrained()).isTrue();
      assertThat(c.isClosed()).isTrue();
      assertThat(c.receiveOrClosed()).isEqualTo(new Closed<Integer>(reason));
    }

    @Test
    void testClosed_noValues_whenDone() throws Exception {
      // given
      Channel<Integer> c = Channel.rendezvous();
      // when
      c.close();
      // then
      assertThat(c.isDrained()).isTrue();
      assertThat(c.isClosed()).isTrue();
      assertThat(c.receiveOrClosed()).isEqualTo(new Closed<Integer>(null));
    }

    @Test
    void testClosed_hasBufferedValues_whenDone() throws Exception {
      // given
      Channel<Integer> c = Channel.buffered(5);
      // when
      c.send(1);
      c.send(2);
      c.close();
      // then
      assertThat(c.isDrained()).isFalse();
      assertThat(c.isClosed()).isTrue();
    }
  }

  @Nested
  @Timeout(60)
  class ChannelInterruptionTest {
    @Test
    void testSendReceiveAfterSendInterrupt() throws Exception {
      // given
      Channel<String> channel = Channel.rendezvous();
      // when
      Ports.Fork<String> t1 =
          forkCancelable(
              () -> {
                channel.send("x");
                return "sent";
              });
      t1.cancel();
      CompletableFuture<Void> t2 = go(() -> channel.send("y"));
      CompletableFuture<String> t3 = TestThreads.async(channel::receive);
      // then
      assertThat(join(t3)).isEqualTo("y");
      join(t2);
    }

    @Test
    void testSendReceiveAfterReceiveInterrupt() throws Exception {
      // given
      Channel<String> channel = Channel.rendezvous();
      // when
      Ports.Fork<String> t1 = forkCancelable(channel::receive);
      t1.cancel();
      CompletableFuture<Void> t2 = go(() -> channel.send("x"));
      CompletableFuture<String> t3 = TestThreads.async(channel::receive);
      // then
      assertThat(join(t3)).isEqualTo("x");
      join(t2);
    }

    @Test
    void testRaceInterruptAndSend() throws Exception {
      for (int i = 0; i < 100; i++) {
        // given
        Channel<String> channel = Channel.rendezvous();
        Ports.Fork<String> t1 =
            forkCancelable(
                () -> {
                  channel.send("x");
                  return "sent";
                });
        CompletableFuture<String> t2 = TestThreads.async(channel::receive);
        // when
        Object outcome = t1.cancel();
        // then
        if (outcome instanceof InterruptedException) {
          // the receive has not happened yet: the interrupted send left nothing behind
          CompletableFuture<Void> t3 = go(() -> channel.send("y"));
          assertThat(join(t2)).isEqualTo("y");
          join(t3);
        } else {
          // the receive happened first: the send completed, and was not also reported failed
          assertThat(outcome).isEqualTo("sent");
          assertThat(join(t2)).isEqualTo("x");
        }
      }
    }

    @Test
    void testReceiveManyInterruptsReceive() throws Exception {
      Channel<String> channel = Channel.rendezvous();
      Set<String> received = ConcurrentHashMap.newKeySet();
      // starting with a single receive
      CompletableFuture<Void> first = go(() -> received.add(channel.receive()));
      Waits.until(() -> channel.waitingReceivers() == 1);
      // then, starting subsequent receives, and interrupting them
      for (int i = 0; i < 1000; i++) {
        Semaphore s = new Semaphore(0);
        Ports.Fork<String> f =
            forkCancelable(
                () -> {
                  s.release(); // letting the main thread know that the receive has started
                  return channel.receive();
                });
        s.acquire();
        f.cancel();
      }
      // then, starting one more receive
      CompletableFuture<Void> last = go(() -> received.add(channel.receive()));
      Waits.until(() -> channel.waitingReceivers() == 2);
      // send two elements, wait for completion
      channel.send("a");
      channel.send("b");
      joinAll(List.of(first, last));
      // check the results
      assertThat(received).isEqualTo(Set.of("a", "b"));
    }

    @Test
    void testManyInterruptedReceivesShouldNotLeakMemory() throws Exception {
      Channel<String> ch = Channel.rendezvous();
      List<Ports.Fork<String>> forks = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        forks.add(forkCancelable(ch::receive));
      }
      Waits.until(() -> ch.waitingReceivers() == 300); // waiting for all forks to suspend
      for (Ports.Fork<String> f : forks) {
        f.cancel();
      }
      // Jox counts segments; Shuttle's queue must be empty
      assertThat(ch.waitingReceivers()).as(ch.toString()).isZero();
    }

    @Test
    void testManyInterruptedSendsShouldNotLeakMemory() throws Exception {
      Channel<String> ch = Channel.buffered(1);
      ch.send("x");
      List<Ports.Fork<String>> forks = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        forks.add(
            forkCancelable(
                () -> {
                  ch.send("y");
                  return "sent";
                }));
      }
      Waits.until(() -> ch.waitingSenders() == 300); // waiting for all forks to suspend
      for (Ports.Fork<String> f : forks) {
        f.cancel();
      }
      assertThat(ch.waitingSenders()).as(ch.toString()).isZero();
      assertThat(ch.len()).isEqualTo(1);
    }
  }

  /** Jox's {@code ChannelTest}: channel tests run for various capacities. */
  @Nested
  @Timeout(60)
  class ChannelTest {
    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 2, 10, 100, 1000})
    void testSendReceiveInManyForks(int capacity) throws Exception {
      sendReceiveInManyForks(Channel.buffered(capacity));
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 2, 10, 100, 1000})
    void testSendReceiveManyElementsInTwoForks(int capacity) throws Exception {
      sendReceiveManyElementsInTwoForks(Channel.buffered(capacity));
    }

    @Test
    @SuppressWarnings("NullAway") // passes null on purpose
    void testNullItem() {
      Channel<Object> ch = Channel.buffered(4);
      assertThatThrownBy(() -> ch.send(null)).isInstanceOf(NullPointerException.class);
    }
  }

  @Nested
  @Timeout(60)
  class ChannelTrySendReceiveTest {
    @Test
    void trySend_rendezvous_shouldReturnFalseWhenNoReceiver() {
      Channel<String> ch = Channel.rendezvous();
      assertThat(ch.trySend("a")).isFalse();
    }

    @Test
    void trySend_rendezvous_shouldSendWhenReceiverWaiting() throws Exception {
      Channel<String> ch = Channel.rendezvous();
      CompletableFuture<String> f = TestThreads.async(ch::receive);
      Waits.until(() -> ch.waitingReceivers() == 1); // Jox: retries every 10 ms
      assertThat(ch.trySend("x"))
          .as("trySend should succeed once the receiver is waiting")
          .isTrue();
      assertThat(join(f)).isEqualTo("x");
    }

    @Test
    void trySend_closedDone_shouldThrow() {
      Channel<String> ch = Channel.buffered(1);
      ch.close();
      assertThatThrownBy(() -> ch.trySend("x")).isInstanceOf(ChannelClosedException.class);
    }

    @Test
    void trySend_closedError_shouldThrow() {
      Channel<String> ch = Channel.buffered(1);
      RuntimeException boom = new RuntimeException("boom");
      ch.close(boom);
      assertThatThrownBy(() -> ch.trySend("x"))
          .isInstanceOf(ChannelClosedException.class)
          .hasCause(boom);
    }

    @Test
    void trySendOrClosed_buffered_shouldReturnSentinelWhenFull() {
      Channel<String> ch = Channel.buffered(1);
      assertThat(ch.trySendOrClosed("a")).isEqualTo(SendStatus.SENT);
      SendResult result = ch.trySendOrClosed("b");
      assertThat(result).isEqualTo(SendStatus.FULL).isNotInstanceOf(Closed.class);
    }

    @Test
    void trySendOrClosed_closedDone_shouldReturnChannelDone() {
      Channel<String> ch = Channel.buffered(1);
      ch.close();
      assertThat(ch.trySendOrClosed("x")).isEqualTo(new Closed<String>(null));
    }

    @Test
    void trySendOrClosed_closedError_shouldReturnChannelError() {
      Channel<String> ch = Channel.buffered(1);
      RuntimeException boom = new RuntimeException("boom");
      ch.close(boom);
      assertThat(ch.trySendOrClosed("x")).isEqualTo(new Closed<String>(boom));
    }

    @Test
    @SuppressWarnings("NullAway") // passes null on purpose
    void trySend_nullValue_shouldThrowNPE() {
      Channel<String> ch = Channel.buffered(1);
      assertThatThrownBy(() -> ch.trySend(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void tryReceive_buffered_shouldReceiveBufferedValue() throws Exception {
      Channel<String> ch = Channel.buffered(2);
      ch.send("a");
      ch.send("b");
      assertThat(valueOf(ch.tryReceive())).isEqualTo("a");
      assertThat(valueOf(ch.tryReceive())).isEqualTo("b");
    }

    @Test
    void tryReceive_buffered_shouldReturnNullWhenEmpty() {
      Channel<String> ch = Channel.buffered(2);
      assertThat(ch.tryReceive()).isNull();
    }

    @Test
    void tryReceive_rendezvous_shouldReturnNullWhenNoSender() {
      Channel<String> ch = Channel.rendezvous();
      assertThat(ch.tryReceive()).isNull();
    }

    @Test
    void tryReceive_rendezvous_shouldReceiveWhenSenderWaiting() throws Exception {
      Channel<String> ch = Channel.rendezvous();
      CompletableFuture<Void> sender = go(() -> ch.send("x"));
      Waits.until(() -> ch.waitingSenders() == 1); // Jox: retries every 10 ms
      assertThat(valueOf(ch.tryReceive()))
          .as("tryReceive should succeed once the sender is waiting")
          .isEqualTo("x");
      join(sender);
    }

    @Test
    void tryReceiveOrClosed_shouldReturnNullWhenEmpty() {
      Channel<String> ch = Channel.buffered(2);
      assertThat(ch.tryReceive()).isNull();
    }

    @Test
    void tryReceiveOrClosed_shouldReturnValueWhenAvailable() throws Exception {
      Channel<String> ch = Channel.buffered(2);
      ch.send("hello");
      assertThat(valueOf(ch.tryReceive())).isEqualTo("hello");
    }

    @Test
    void tryReceiveOrClosed_closedDone_noValues_shouldReturnChannelDone() {
      Channel<String> ch = Channel.buffered(1);
      ch.close();
      assertThat(ch.tryReceive()).isEqualTo(new Closed<String>(null));
    }

    @Test
    void tryReceiveOrClosed_closedError_shouldReturnChannelError() {
      Channel<String> ch = Channel.buffered(1);
      RuntimeException boom = new RuntimeException("boom");
      ch.close(boom);
      assertThat(ch.tryReceive()).isEqualTo(new Closed<String>(boom));
    }

    @Test
    void tryReceiveOrClosed_closedDone_withBufferedValues_shouldReturnValuesThenDone()
        throws Exception {
      Channel<String> ch = Channel.buffered(3);
      ch.send("a");
      ch.send("b");
      ch.close();
      assertThat(valueOf(ch.tryReceive())).isEqualTo("a");
      assertThat(valueOf(ch.tryReceive())).isEqualTo("b");
      assertThat(ch.tryReceive()).isEqualTo(new Closed<String>(null));
    }

    @Test
    void trySend_buffered_shouldSendThenFailWhenFull() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      assertThat(ch1.trySend("v1")).isTrue(); // the channel is now full
      // when
      assertThat(ch1.trySend("v2")).isFalse();
      assertThat(ch1.receive()).isEqualTo("v1");
      // when - now there's space in the channel
      assertThat(ch1.trySend("v2")).isTrue();
      assertThat(ch1.receive()).isEqualTo("v2");
    }

    /** Jox's {@code Sink.trySend(v, channels...)} is a select of send cases with a default. */
    @Test
    void trySend_static_toMultipleChannels() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      assertThat(ch1.trySend("v1a")).isTrue(); // the channel is now full
      assertThat(ch2.trySend("v1b")).isTrue(); // the channel is now full
      // when
      assertThat(ch1.trySend("v2")).isFalse();
      assertThat(ch2.trySend("v2")).isFalse();
      assertThat(trySendToAny("v2", ch1, ch2)).isFalse();
      assertThat(ch1.receive()).isEqualTo("v1a");
      assertThat(ch2.receive()).isEqualTo("v1b");
      // when - now there's space in the channels
      assertThat(trySendToAny("v2a", ch1, ch2)).isTrue();
      assertThat(trySendToAny("v2b", ch1, ch2)).isTrue();
      // then: one value in each (Jox fills the first channel first; Shuttle chooses fairly)
      assertThat(Set.of(ch1.receive(), ch2.receive())).isEqualTo(Set.of("v2a", "v2b"));
    }

    private static boolean trySendToAny(String value, Channel<String> ch1, Channel<String> ch2)
        throws InterruptedException {
      return Select.select(
          ch1.onSend(value, () -> true),
          ch2.onSend(value, () -> true),
          Select.defaultCase(() -> false));
    }

    @Test
    void concurrentTrySendAndTryReceive_noValueLossOrDuplication() throws Exception {
      Channel<Integer> ch = Channel.buffered(64);
      int numProducers = 4;
      int numConsumers = 4;
      int itemsPerProducer = 10_000;
      Set<Integer> receivedValues = new ConcurrentSkipListSet<>();
      AtomicInteger duplicates = new AtomicInteger();
      AtomicInteger producersDone = new AtomicInteger();
      List<CompletableFuture<Void>> threads = new ArrayList<>();
      // producers: trySend in a loop, close the channel when all are done
      for (int p = 0; p < numProducers; p++) {
        int producerBase = p * itemsPerProducer;
        threads.add(
            go(
                () -> {
                  for (int i = 0; i < itemsPerProducer; i++) {
                    while (!ch.trySend(producerBase + i)) {
                      gosched();
                    }
                  }
                  if (producersDone.incrementAndGet() == numProducers) {
                    ch.close();
                  }
                }));
      }
      // consumers: tryReceive (Jox's tryReceiveOrClosed) in a loop
      for (int c = 0; c < numConsumers; c++) {
        threads.add(
            go(
                () -> {
                  while (true) {
                    Received<Integer> v = ch.tryReceive();
                    if (v instanceof Closed<Integer>) {
                      break;
                    }
                    if (v instanceof Message<Integer>(Integer value, Context ignored)) {
                      if (!receivedValues.add(value)) {
                        duplicates.incrementAndGet();
                      }
                    } else {
                      gosched();
                    }
                  }
                }));
      }
      joinAll(threads);
      assertThat(receivedValues).hasSize(numProducers * itemsPerProducer);
      assertThat(duplicates).hasValue(0);
    }

    @Test
    void concurrentTrySendWithRegularReceive() throws Exception {
      Channel<Integer> ch = Channel.buffered(16);
      int total = 10_000;
      Set<Integer> received = new ConcurrentSkipListSet<>();
      // producer: trySend
      CompletableFuture<Void> producer =
          go(
              () -> {
                for (int i = 0; i < total; i++) {
                  while (!ch.trySend(i)) {
                    gosched();
                  }
                }
                ch.close();
              });
      // consumer: regular receive
      join(
          go(
              () -> {
                while (ch.receiveOrClosed() instanceof Message<Integer>(Integer v, Context c)) {
                  received.add(v);
                }
              }));
      join(producer);
      assertThat(received).hasSize(total);
    }

    private static String valueOf(Received<String> received) {
      if (received instanceof Message<String>(String value, Context ignored)) {
        return value;
      }
      throw new AssertionError("expected a value, got " + received);
    }
  }

  /** Jox's {@code SourceOpsForEachTest}: a channel is {@link Iterable} and has a stream. */
  @Nested
  @Timeout(10)
  class SourceOpsForEachTest {
    @Test
    void testIterateOverSource() throws Exception {
      Channel<Integer> c = filledAndClosed();
      List<Integer> r = new ArrayList<>();
      c.forEach(r::add);
      assertThat(r).containsExactly(1, 2, 3);
    }

    @Test
    void testConvertSourceToList() throws Exception {
      Channel<Integer> c = filledAndClosed();
      assertThat(c.stream().toList()).isEqualTo(List.of(1, 2, 3));
    }

    private static Channel<Integer> filledAndClosed() throws InterruptedException {
      Channel<Integer> c = Channel.buffered(10);
      c.sendOrClosed(1);
      c.sendOrClosed(2);
      c.sendOrClosed(3);
      c.close();
      return c;
    }
  }
}
