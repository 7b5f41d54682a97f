package dev.shuttle.channel;

import static dev.shuttle.channel.Ports.go;
import static dev.shuttle.channel.Ports.gosched;
import static dev.shuttle.channel.Ports.join;
import static dev.shuttle.channel.Ports.joinAll;
import static dev.shuttle.channel.Ports.scaled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.testing.Waits;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Go's own channel and select tests, ported to Shuttle.
 *
 * <p>Sources: <a href="https://github.com/golang/go/blob/master/src/runtime/chan_test.go">golang/go
 * src/runtime/chan_test.go</a> (stored copy at commit {@code
 * 6e9546e4a8b1eadba621fe49e42cbd0730fbcd46}) and {@code src/runtime/chanbarrier_test.go} (stored
 * copy at commit {@code c3918f3d7176137ae50310a7a45103a1c7b884c5}). Each test method carries the Go
 * test's name. Where Go sleeps for a millisecond and hopes a goroutine has blocked, the port waits
 * until the channel shows the blocked sender or receiver. Iteration counts are Go's {@code -short}
 * values (or a tenth of the full ones) unless the environment variable {@code CI} is set, which
 * runs Go's full counts (the barrier test: a fiftieth, see there).
 *
 * <p>Go's {@code <-c} on a closed channel yields the zero value; Shuttle's {@code receive()} throws
 * {@link ChannelClosedException} instead and {@code receiveOrClosed()} returns {@link Closed}, so
 * {@code case <-c:} on a channel that may be closed is ported as {@link Channel#onReceiveOrClosed}.
 * Go's {@code nil} channel in a select is {@link SelectCase#onlyIf onlyIf(false)}.
 *
 * <p>One test is added to the port: {@link #testPseudoRandomSendBlockedFirst} forces the
 * interleaving of {@code TestPseudoRandomSend} that the original reaches only by chance (the select
 * blocks before the receiver arrives). It found that a blocked select queued its cases in case
 * order, so the first of two send cases on one channel always won; {@link Select} now queues them
 * in its shuffled order.
 *
 * <p>Not ported:
 *
 * <ul>
 *   <li>{@code TestShrinkStackDuringBlockedSend}, {@code TestNoShrinkStackWhileParking}, {@code
 *       TestSelectStackAdjust}: they test the adjustment of goroutine stacks (and of {@code sudog}
 *       pointers into them) by the garbage collector; a virtual thread's stack is not moved under a
 *       parked waiter's feet in a way Java code can observe. Their channel traffic (a blocked
 *       sender, a select woken by a close) is covered by {@link #testChan} and {@link
 *       #testSelectDuplicateChannel}.
 *   <li>Every {@code Benchmark*} function: benchmarks live in {@code shuttle-bench} (JMH), never in
 *       timed unit tests.
 *   <li>The allocation of garbage between requests in {@code testChanSendBarrier}: it provokes Go's
 *       write barriers; the port keeps the request pattern and its check.
 * </ul>
 */
class GoChanTest {

  /** Go's {@code TestChan}: blocking, non-blocking, close, FIFO order, many senders, len/cap. */
  @Test
  @Timeout(120)
  void testChan() throws Exception {
    int n = scaled(20, 200);
    for (int chanCap = 0; chanCap < n; chanCap++) {
      receiveFromEmptyChannelBlocks(chanCap);
      sendToFullChannelBlocks(chanCap);
      receiveFromClosedChannelDrainsThenReportsClosed(chanCap);
      closeUnblocksReceive(chanCap);
      valuesArriveUncorruptedInFifoOrder(chanCap);
      lenAndCap(chanCap);
    }
  }

  private static void receiveFromEmptyChannelBlocks(int chanCap) throws Exception {
    // given
    Channel<Integer> c = Channel.buffered(chanCap);
    AtomicBoolean recv1 = new AtomicBoolean();
    AtomicBoolean recv2 = new AtomicBoolean();
    CompletableFuture<Void> r1 =
        go(
            () -> {
              c.receive();
              recv1.set(true);
            });
    CompletableFuture<Void> r2 =
        go(
            () -> {
              c.receiveOrClosed();
              recv2.set(true);
            });
    // when both receivers have blocked
    Waits.until(() -> c.waitingReceivers() == 2);
    // then
    assertThat(recv1).as("chan[%d]: receive from empty chan", chanCap).isFalse();
    assertThat(recv2).as("chan[%d]: receive from empty chan", chanCap).isFalse();
    // and a non-blocking receive does not block
    assertThat(Select.select(c.onReceive(v -> "received"), Select.defaultCase(() -> "default")))
        .isEqualTo("default");
    assertThat(
            Select.select(
                c.onReceiveOrClosed(v -> "received"), Select.defaultCase(() -> "default")))
        .isEqualTo("default");
    c.send(0);
    c.send(0);
    join(r1);
    join(r2);
    assertThat(recv1).isTrue();
    assertThat(recv2).isTrue();
  }

  private static void sendToFullChannelBlocks(int chanCap) throws Exception {
    // given a full channel
    Channel<Integer> c = Channel.buffered(chanCap);
    for (int i = 0; i < chanCap; i++) {
      c.send(i);
    }
    AtomicBoolean sent = new AtomicBoolean();
    CompletableFuture<Void> sender =
        go(
            () -> {
              c.send(0);
              sent.set(true);
            });
    // when the sender has blocked
    Waits.until(() -> c.waitingSenders() == 1);
    // then
    assertThat(sent).as("chan[%d]: send to full chan", chanCap).isFalse();
    // and a non-blocking send does not block
    assertThat(Select.select(c.onSend(0, () -> "sent"), Select.defaultCase(() -> "default")))
        .as("chan[%d]: send to full chan", chanCap)
        .isEqualTo("default");
    c.receive();
    join(sender);
  }

  private static void receiveFromClosedChannelDrainsThenReportsClosed(int chanCap)
      throws Exception {
    // given
    Channel<Integer> c = Channel.buffered(chanCap);
    for (int i = 0; i < chanCap; i++) {
      c.send(i);
    }
    // when
    c.close();
    // then the buffered values come first, then Go's zero value (here: closed)
    for (int i = 0; i < chanCap; i++) {
      assertThat(c.receive()).as("chan[%d]", chanCap).isEqualTo(i);
    }
    assertThatThrownBy(c::receive).isInstanceOf(ChannelClosedException.class);
    assertThat(c.receiveOrClosed()).isEqualTo(new Closed<Integer>(null));
  }

  private static void closeUnblocksReceive(int chanCap) throws Exception {
    // given
    Channel<Integer> c = Channel.buffered(chanCap);
    CompletableFuture<Received<Integer>> receiver = TestThreads.async(c::receiveOrClosed);
    Waits.until(() -> c.waitingReceivers() == 1);
    // when
    c.close();
    // then
    assertThat(join(receiver))
        .as("chan[%d]: received non zero from closed chan", chanCap)
        .isInstanceOf(Closed.class);
  }

  private static void valuesArriveUncorruptedInFifoOrder(int chanCap) throws Exception {
    Channel<Integer> c = Channel.buffered(chanCap);
    // send 100 integers, receive them in FIFO order
    CompletableFuture<Void> sender = go(() -> sendRange(c, 100));
    for (int i = 0; i < 100; i++) {
      assertThat(c.receive()).as("chan[%d]", chanCap).isEqualTo(i);
    }
    join(sender);
    // same, with Go's recv2 (v, ok := <-c)
    sender = go(() -> sendRange(c, 100));
    for (int i = 0; i < 100; i++) {
      if (!(c.receiveOrClosed() instanceof Message<Integer>(Integer v, Context sent))) {
        throw new AssertionError("chan[" + chanCap + "]: receive failed, expected " + i);
      }
      assertThat(v).as("chan[%d]", chanCap).isEqualTo(i);
    }
    join(sender);
    // 4 senders of 1000 integers each, 4 receivers: every value arrives exactly P times
    int p = 4;
    int l = 1000;
    List<CompletableFuture<?>> senders = new ArrayList<>();
    for (int k = 0; k < p; k++) {
      senders.add(go(() -> sendRange(c, l)));
    }
    List<CompletableFuture<Map<Integer, Integer>>> receivers = new ArrayList<>();
    for (int k = 0; k < p; k++) {
      receivers.add(
          TestThreads.async(
              () -> {
                Map<Integer, Integer> recv = new HashMap<>();
                for (int i = 0; i < l; i++) {
                  recv.merge(c.receive(), 1, Integer::sum);
                }
                return recv;
              }));
    }
    Map<Integer, Integer> recv = new HashMap<>();
    for (CompletableFuture<Map<Integer, Integer>> receiver : receivers) {
      join(receiver).forEach((k, v) -> recv.merge(k, v, Integer::sum));
    }
    joinAll(senders);
    assertThat(recv).as("chan[%d]: received values", chanCap).hasSize(l);
    assertThat(recv.values())
        .as("chan[%d]: times each value was received", chanCap)
        .containsOnly(p);
  }

  private static void lenAndCap(int chanCap) throws Exception {
    Channel<Integer> c = Channel.buffered(chanCap);
    assertThat(c.len()).isZero();
    assertThat(c.cap()).isEqualTo(chanCap);
    for (int i = 0; i < chanCap; i++) {
      c.send(i);
    }
    assertThat(c.len()).isEqualTo(chanCap);
    assertThat(c.cap()).isEqualTo(chanCap);
  }

  private static void sendRange(Channel<Integer> c, int count) throws InterruptedException {
    for (int i = 0; i < count; i++) {
      c.send(i);
    }
  }

  /** Go's {@code TestNonblockRecvRace}: a buffered value, then close; the select sees one. */
  @Test
  @Timeout(60)
  void testNonblockRecvRace() throws Exception {
    int n = 10_000;
    AtomicInteger notReady = new AtomicInteger();
    List<CompletableFuture<Void>> selectors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // given
      Channel<Integer> c = Channel.buffered(1);
      c.send(1);
      selectors.add(
          go(
              () ->
                  Select.select(
                      c.onReceiveOrClosed(v -> true),
                      Select.defaultCase(() -> notReady.incrementAndGet() < 0))));
      // when
      c.close();
      c.receiveOrClosed();
    }
    joinAll(selectors);
    // then
    assertThat(notReady).as("selects that found the channel not ready").hasValue(0);
  }

  /**
   * Go's {@code TestNonblockSelectRace}: select acts on the channels' state at one moment, so with
   * at least one of two channels ready at all times it never takes the default.
   */
  @Test
  @Timeout(120)
  void testNonblockSelectRace() throws Exception {
    nonblockSelectRace(false);
  }

  /** Go's {@code TestNonblockSelectRace2}: as {@link #testNonblockSelectRace}, closing c2. */
  @Test
  @Timeout(120)
  void testNonblockSelectRace2() throws Exception {
    nonblockSelectRace(true);
  }

  private static void nonblockSelectRace(boolean closeC2) throws Exception {
    int n = scaled(10_000, 100_000);
    Channel<Boolean> done = Channel.buffered(1);
    for (int i = 0; i < n; i++) {
      // given c1 ready
      Channel<Integer> c1 = Channel.buffered(1);
      Channel<Integer> c2 = Channel.buffered(closeC2 ? 0 : 1);
      c1.send(1);
      go(
          () ->
              done.send(
                  Select.select(
                      c1.onReceive(v -> true),
                      c2.onReceiveOrClosed(v -> true),
                      Select.defaultCase(() -> false))));
      // when c2 becomes ready, then c1 perhaps no longer is
      if (closeC2) {
        c2.close();
      } else {
        c2.send(1);
      }
      Select.select(c1.onReceive(v -> v), Select.defaultCase(() -> 0));
      // then
      assertThat(done.receive()).as("no chan is ready (iteration %d)", i).isTrue();
    }
  }

  /** Go's {@code TestSelfSelect}: send and receive on one channel in a select; no self-receive. */
  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(ints = {0, 10})
  @Timeout(60)
  void testSelfSelect(int chanCap) throws Exception {
    Channel<Integer> c = Channel.buffered(chanCap);
    AtomicInteger selfReceives = new AtomicInteger();
    List<CompletableFuture<Void>> threads = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      int self = p;
      threads.add(
          go(
              () -> {
                SelectCase<Boolean> send = c.onSend(self, () -> true);
                SelectCase<Boolean> receive =
                    c.onReceive(
                        v -> {
                          if (chanCap == 0 && v == self) {
                            selfReceives.incrementAndGet();
                          }
                          return true;
                        });
                for (int i = 0; i < 1000; i++) {
                  if (self == 0 || i % 2 == 0) {
                    Select.select(send, receive);
                  } else {
                    Select.select(receive, send);
                  }
                }
              }));
    }
    joinAll(threads);
    assertThat(selfReceives).as("self receives").hasValue(0);
  }

  /**
   * Go's {@code TestSelectStress}: 4 senders and 4 receivers on 4 channels (2 rendezvous, 2
   * buffered), plus one select sending to all and one select receiving from all, each switching a
   * channel's case off (Go: setting it to nil) after N values; nothing deadlocks.
   */
  @Test
  @Timeout(120)
  void testSelectStress() throws Exception {
    List<Channel<Integer>> c =
        List.of(
            Channel.rendezvous(), Channel.rendezvous(), Channel.buffered(2), Channel.buffered(3));
    int n = scaled(10_000, 100_000);
    List<CompletableFuture<Void>> threads = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      Channel<Integer> ck = c.get(k);
      threads.add(
          go(
              () -> {
                for (int i = 0; i < n; i++) {
                  ck.send(0);
                }
              }));
      threads.add(
          go(
              () -> {
                for (int i = 0; i < n; i++) {
                  ck.receive();
                }
              }));
    }
    threads.add(
        go(
            () -> {
              int[] count = new int[4];
              for (int i = 0; i < 4 * n; i++) {
                List<SelectCase<Integer>> cases = new ArrayList<>();
                for (int k : new int[] {3, 2, 0, 1}) { // Go's case order
                  cases.add(c.get(k).onSend(0, () -> k).onlyIf(count[k] < n));
                }
                count[Select.select(Context.current(), cases)]++;
              }
            }));
    threads.add(
        go(
            () -> {
              int[] count = new int[4];
              for (int i = 0; i < 4 * n; i++) {
                List<SelectCase<Integer>> cases = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                  int index = k;
                  cases.add(c.get(k).onReceive(v -> index).onlyIf(count[k] < n));
                }
                count[Select.select(Context.current(), cases)]++;
              }
            }));
    joinAll(threads);
    for (Channel<Integer> ck : c) {
      assertThat(ck.len() + ck.waitingSenders() + ck.waitingReceivers()).isZero();
    }
  }

  /**
   * Go's {@code TestSelectFairness}: a select over two always-ready channels (and two never-ready
   * ones) picks each ready one about half the time: within 10 standard deviations, as Go allows.
   */
  @Test
  @Timeout(60)
  void testSelectFairness() throws Exception {
    int trials = 10_000;
    Channel<Integer> c1 = Channel.buffered(trials + 1);
    Channel<Integer> c2 = Channel.buffered(trials + 1);
    for (int i = 0; i < trials + 1; i++) {
      c1.send(1);
      c2.send(2);
    }
    Channel<Integer> c3 = Channel.rendezvous();
    Channel<Integer> c4 = Channel.rendezvous();
    Channel<Integer> out = Channel.rendezvous();
    Channel<Integer> done = Channel.rendezvous();
    CompletableFuture<Void> selector =
        go(
            () -> {
              while (true) {
                int b =
                    Select.select(
                        c3.onReceive(v -> v),
                        c4.onReceive(v -> v),
                        c1.onReceive(v -> v),
                        c2.onReceive(v -> v));
                if (!Select.select(out.onSend(b, () -> true), done.onReceiveOrClosed(r -> false))) {
                  return;
                }
              }
            });
    int cnt1 = 0;
    int cnt2 = 0;
    for (int i = 0; i < trials; i++) {
      int b = out.receive();
      switch (b) {
        case 1 -> cnt1++;
        case 2 -> cnt2++;
        default -> throw new AssertionError("unexpected value " + b + " on channel");
      }
    }
    double mean = trials * 0.5;
    double stddev = Math.sqrt(trials * 0.5 * (1 - 0.5));
    assertThat(Math.abs(cnt1 - mean))
        .as("unfair select: in %d trials, results were %d, %d", trials, cnt1, cnt2)
        .isLessThanOrEqualTo(10 * stddev);
    done.close();
    join(selector);
  }

  /** Go's {@code TestChanSendInterface}: sends of an object in selects with a default. */
  @Test
  @Timeout(10)
  void testChanSendInterface() throws Exception {
    record Mt() {}
    Mt m = new Mt();
    Channel<Object> c = Channel.buffered(1);
    c.send(m);
    assertThat(Select.select(c.onSend(m, () -> "sent"), Select.defaultCase(() -> "default")))
        .isEqualTo("default");
    assertThat(
            Select.select(
                c.onSend(m, () -> "sent"),
                c.onSend(new Mt(), () -> "sent"),
                Select.defaultCase(() -> "default")))
        .isEqualTo("default");
    assertThat(c.receive()).isSameAs(m);
  }

  /**
   * Go's {@code TestPseudoRandomSend}: a select with two send cases on one channel sends each value
   * more than a tenth of the time, whether the receiver is ready first or the select blocks first.
   */
  @ParameterizedTest(name = "capacity {0}")
  @ValueSource(ints = {0, 100})
  @Timeout(30)
  void testPseudoRandomSend(int chanCap) throws Exception {
    int n = 100;
    Channel<Integer> c = Channel.buffered(chanCap);
    int[] l = new int[n];
    CountDownLatch m = new CountDownLatch(1); // Go's locked mutex, unlocked by the receiver
    go(
        () -> {
          for (int i = 0; i < n; i++) {
            gosched();
            l[i] = c.receive();
          }
          m.countDown();
        });
    for (int i = 0; i < n; i++) {
      Select.select(c.onSend(1, () -> 1), c.onSend(0, () -> 0));
    }
    m.await(); // wait; the latch also publishes l
    int n0 = 0;
    int n1 = 0;
    for (int i : l) {
      n0 += (i + 1) % 2;
      n1 += i;
    }
    assertThat(n0)
        .as("Want pseudorandom, got %d zeros and %d ones (chan cap %d)", n0, n1, chanCap)
        .isGreaterThan(n / 10);
    assertThat(n1)
        .as("Want pseudorandom, got %d zeros and %d ones (chan cap %d)", n0, n1, chanCap)
        .isGreaterThan(n / 10);
  }

  /**
   * Go's {@code TestPseudoRandomSend} with the interleaving forced that the original reaches only
   * when its receiver is slow: the select has blocked (both send cases queued on the rendezvous
   * channel) before each receive. Go queues a blocked select's cases in an order derived from its
   * random poll order, so each value still wins about half the time.
   */
  @Test
  @Timeout(30)
  void testPseudoRandomSendBlockedFirst() throws Exception {
    int n = 100;
    Channel<Integer> c = Channel.rendezvous();
    int n1 = 0;
    for (int i = 0; i < n; i++) {
      CompletableFuture<Void> sender =
          go(() -> Select.select(c.onSend(1, () -> 1), c.onSend(0, () -> 0)));
      Waits.until(() -> c.waitingSenders() == 2);
      n1 += c.receive();
      join(sender);
    }
    int n0 = n - n1;
    assertThat(n0).as("Want pseudorandom, got %d zeros and %d ones", n0, n1).isGreaterThan(n / 10);
    assertThat(n1).as("Want pseudorandom, got %d zeros and %d ones", n0, n1).isGreaterThan(n / 10);
  }

  /**
   * Go's {@code TestMultiConsumer}: 23 workers range over one queue and send to a result channel
   * that a closer closes once they are all done; the count and sum of results match.
   */
  @Test
  @Timeout(120)
  void testMultiConsumer() throws Exception {
    int nwork = 23;
    int niter = scaled(27_182, 271_828);
    int[] pn = {2, 3, 7, 11, 13, 17, 19, 23, 27, 31};
    Channel<Integer> q = Channel.buffered(nwork * 3);
    Channel<Integer> r = Channel.buffered(nwork * 3);
    // workers
    List<CompletableFuture<Void>> workers = new ArrayList<>();
    for (int i = 0; i < nwork; i++) {
      int w = i;
      workers.add(
          go(
              () -> {
                for (int v : q) {
                  if (pn[w % pn.length] == v) { // mess with the fifo-ish nature of range
                    gosched();
                  }
                  r.send(v);
                }
              }));
    }
    // feeder & closer
    AtomicLong expect = new AtomicLong();
    CompletableFuture<Void> feeder =
        go(
            () -> {
              long sum = 0;
              for (int i = 0; i < niter; i++) {
                int v = pn[i % pn.length];
                sum += v;
                q.send(v);
              }
              expect.set(sum);
              q.close(); // no more work
              joinAll(workers); // workers done
              r.close(); // ... so there can be no more results
            });
    // consume & check
    int n = 0;
    long s = 0;
    for (int v : r) {
      n++;
      s += v;
    }
    join(feeder);
    assertThat(n).isEqualTo(niter);
    assertThat(s).isEqualTo(expect.get());
  }

  /**
   * Go's {@code TestSelectDuplicateChannel}: a select may queue on one channel twice; when another
   * case wins, both of its nodes leave the queue, so a later receiver on that channel is found.
   */
  @Test
  @Timeout(30)
  void testSelectDuplicateChannel() throws Exception {
    Channel<Integer> c = Channel.rendezvous();
    Channel<Integer> d = Channel.rendezvous();
    Channel<Integer> e = Channel.rendezvous();
    // goroutine A
    CompletableFuture<Void> a =
        go(
            () -> {
              Select.select(c.onReceive(v -> v), c.onReceive(v -> v), d.onReceive(v -> v));
              e.send(9);
            });
    Waits.until(() -> c.waitingReceivers() == 2); // A is queued first on c, twice
    // goroutine B
    CompletableFuture<Integer> b = TestThreads.async(c::receive);
    Waits.until(() -> c.waitingReceivers() == 3); // B is queued on c behind A
    d.send(7); // wakes A, which dequeues itself from c
    assertThat(e.receive()).isEqualTo(9); // A is done
    c.send(8); // wakes B
    assertThat(join(b)).isEqualTo(8);
    join(a);
    assertThat(c.waitingReceivers()).isZero();
  }

  /** Go's {@code TestChanSendBarrier}: request/response over a fresh rendezvous channel. */
  @Test
  @Timeout(120)
  void testChanSendBarrier() throws Exception {
    chanSendBarrier(false);
  }

  /** Go's {@code TestChanSendSelectBarrier}: as above, the response sent in a select. */
  @Test
  @Timeout(120)
  void testChanSendSelectBarrier() throws Exception {
    chanSendBarrier(true);
  }

  private static void chanSendBarrier(boolean useSelect) throws Exception {
    int outer = scaled(10, 100);
    int inner = scaled(1000, 2000); // Go's full run is 100 x 100,000: too long for a unit test
    List<CompletableFuture<Void>> threads = new ArrayList<>();
    for (int i = 0; i < outer; i++) {
      threads.add(
          go(
              () -> {
                for (int j = 0; j < inner; j++) {
                  assertThat(doRequest(useSelect).err()).isInstanceOf(MyError.class);
                }
              }));
    }
    joinAll(threads);
  }

  private static final class MyError extends Exception {
    private static final long serialVersionUID = 1L;
  }

  private record Async(@Nullable Object resp, Exception err) {}

  private static Async doRequest(boolean useSelect) throws InterruptedException {
    Channel<Async> ch = Channel.rendezvous();
    Channel<Object> done = Channel.rendezvous();
    if (useSelect) {
      go(
          () ->
              Select.select(
                  ch.onSend(new Async(null, new MyError()), () -> true),
                  done.onReceive(v -> false)));
    } else {
      go(() -> ch.send(new Async(null, new MyError())));
    }
    Async r = ch.receive();
    gosched();
    return r;
  }
}
