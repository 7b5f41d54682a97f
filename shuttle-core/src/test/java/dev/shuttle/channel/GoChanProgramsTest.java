package dev.shuttle.channel;

import static dev.shuttle.channel.Ports.PATIENCE;
import static dev.shuttle.channel.Ports.go;
import static dev.shuttle.channel.Ports.gosched;
import static dev.shuttle.channel.Ports.join;
import static dev.shuttle.channel.Ports.joinAll;
import static dev.shuttle.channel.Ports.scaled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.testing.Waits;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The channel programs of Go's test suite, ported to Shuttle: each Go program becomes one test
 * method named after its file (its {@code main} becomes the test body; its {@code panic}s become
 * assertions).
 *
 * <p>Source: <a href="https://github.com/golang/go/tree/master/test/chan">golang/go test/chan</a>,
 * stored copies at these commits: {@code doubleselect.go} and {@code select6.go} and {@code
 * sieve1.go} {@code bac8f89d596433afc2aa531f3ac337e18b829b09}; {@code fifo.go} {@code
 * f083f65594e89d8511ea330384ce230e28ed061f}; {@code goroutines.go} {@code
 * 44526cdbe0c012c2a9bf6fc493aa8ad3411b884f}; {@code nonblock.go} {@code
 * 7926af0ddbd70675dce43aeedfff21353d5d54c2}; {@code select.go} {@code
 * e27454e9e73eec4c3f3e8648e529e571c2ef632b}; {@code select2.go} {@code
 * ec53627ed52e099685d4b60c19630ddcf22904d6}; {@code select3.go} {@code
 * 3fb5f329b921ed602d70c9a8d98db0bd23ae6c3c}; {@code select4.go} {@code
 * 9b62461a8f6b1df33c1d71211edd7c9652ebf16a}; {@code select5.go} {@code
 * de52d256505ae64459a403dbabed81a450ee9e98}; {@code select7.go} {@code
 * 45301ba8c04cca3501d2324a7e30481e3ce022c0}; {@code select8.go} {@code
 * 9b683ab891c679d653f3fd9b68831a13d5eb5f79}; {@code sendstmt.go} {@code
 * 3f8526119ce1c31dc8e6d8d2b8aad5c62d4b4212}; {@code sieve2.go} {@code
 * 97eb06233fef967a39688fff3ea907c88c329160}; {@code zerosize.go} {@code
 * 5b8ef3bed8f9947a4cfec67b029cff106da16017}. {@code powser1.go} is ported in {@link GoPowser1Test}.
 *
 * <p>Go programs that leave goroutines running when {@code main} returns (generators of infinite
 * sequences) run here under a cancellable context that the test cancels at the end; every such
 * thread must then end, as a {@link ContextDoneException} or normally. Go's {@code nil} channel in
 * a select is a case switched off with {@link SelectCase#onlyIf onlyIf(false)}; Go's zero value
 * from a closed channel is {@link Closed}.
 *
 * <p>Not ported:
 *
 * <ul>
 *   <li>{@code perm.go}: compile-time checks of send-only and receive-only channel types, which
 *       Shuttle does not have.
 *   <li>{@code powser2.go}: {@code powser1.go} with interface-typed channel elements; with Java's
 *       generics the port would be the same program as {@link GoPowser1Test}.
 *   <li>{@code sieve.go}: the former name of {@code sieve1.go}, ported as {@link #sieve1}.
 *   <li>{@code select2.go}'s memory measurement ({@code runtime.MemStats}): the port keeps its
 *       100,000 selects and checks instead that they leave no waiter queued.
 *   <li>{@code select5.go}'s checks of Go's evaluation order for assignments outside a select and
 *       of receive forms that differ only in Go syntax ({@code *f(&x) =}, {@code m[13] =}, {@code
 *       i.(int)}); the port enumerates every combination of the select shapes it generates and
 *       Shuttle's three receive-case forms.
 * </ul>
 */
class GoChanProgramsTest {

  // ------------------------------------------------------------------ doubleselect.go

  /**
   * {@code doubleselect.go}: a select over four channels must never run two cases; four forwarders
   * merge the channels and a receiver checks for duplicates (and, here, that every value arrived).
   */
  @Test
  @Timeout(60)
  void doubleselect() throws Exception {
    int iterations = scaled(10_000, 100_000);
    List<Channel<Integer>> c = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      c.add(Channel.rendezvous());
    }
    Channel<Integer> cmux = Channel.rendezvous();
    Channel<Boolean> done = Channel.rendezvous();
    go(
        () -> {
          try {
            for (int i = 0; i < iterations; i++) {
              int v = i;
              Select.select(
                  c.get(0).onSend(v, () -> 0),
                  c.get(1).onSend(v, () -> 1),
                  c.get(2).onSend(v, () -> 2),
                  c.get(3).onSend(v, () -> 3));
            }
          } finally {
            c.forEach(Channel::close);
          }
        });
    for (Channel<Integer> in : c) {
      go(
          () -> {
            for (int v : in) {
              cmux.send(v);
            }
            done.send(true);
          });
    }
    go(
        () -> {
          for (int i = 0; i < 4; i++) {
            done.receive();
          }
          cmux.close();
        });
    Set<Integer> seen = new HashSet<>();
    for (int v : cmux) {
      assertThat(seen.add(v)).as("got duplicate value: %d", v).isTrue();
    }
    assertThat(seen).hasSize(iterations);
  }

  // ------------------------------------------------------------------ fifo.go

  /** {@code fifo.go}: a buffered channel and a rendezvous channel both act as pure FIFOs. */
  @Test
  @Timeout(30)
  void fifo() throws Exception {
    asynchFifo();
    synchFifo();
  }

  private static final int FIFO_N = 10;

  private static void asynchFifo() throws Exception {
    Channel<Integer> ch = Channel.buffered(FIFO_N);
    for (int i = 0; i < FIFO_N; i++) {
      ch.send(i);
    }
    for (int i = 0; i < FIFO_N; i++) {
      assertThat(ch.receive()).as("bad receive").isEqualTo(i);
    }
  }

  /** Threads a daisy chain of receivers that read the elements in sequence. */
  private static void synchFifo() throws Exception {
    Channel<Integer> ch = Channel.rendezvous();
    Channel<Integer> in = Channel.rendezvous();
    Channel<Integer> start = in;
    List<CompletableFuture<Void>> chain = new ArrayList<>();
    for (int i = 0; i < FIFO_N; i++) {
      Channel<Integer> out = Channel.rendezvous();
      Channel<Integer> from = in;
      int val = i;
      chain.add(
          go(
              () -> {
                from.receive();
                assertThat(ch.receive()).isEqualTo(val);
                out.send(1);
              }));
      in = out;
    }
    start.send(0);
    for (int i = 0; i < FIFO_N; i++) {
      ch.send(i);
    }
    in.receive();
    joinAll(chain);
  }

  // ------------------------------------------------------------------ goroutines.go

  /** {@code goroutines.go}: 10,000 threads chained by channels pass one value and end cleanly. */
  @Test
  @Timeout(60)
  void goroutines() throws Exception {
    int n = 10_000;
    Channel<Integer> leftmost = Channel.rendezvous();
    Channel<Integer> right = leftmost;
    Channel<Integer> left = leftmost;
    List<CompletableFuture<Void>> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      right = Channel.rendezvous();
      Channel<Integer> l = left;
      Channel<Integer> r = right;
      threads.add(go(() -> l.send(r.receive())));
      left = right;
    }
    Channel<Integer> last = right;
    go(() -> last.send(1));
    assertThat(leftmost.receive()).isEqualTo(1);
    joinAll(threads);
  }

  // ------------------------------------------------------------------ nonblock.go

  /**
   * {@code nonblock.go}: non-blocking sends and receives (selects with a default) of several types,
   * on rendezvous and 1-buffered channels, succeed once the counterpart arrives. Go retries up to
   * 10,000 times with a 10 µs sleep; the port retries until {@link Ports#PATIENCE} has passed.
   */
  @Test
  @Timeout(60)
  void nonblock() throws Exception {
    Channel<Boolean> sync = Channel.rendezvous();
    for (int buffer = 0; buffer < 2; buffer++) {
      Channel<Integer> c32 = Channel.buffered(buffer);
      Channel<Long> c64 = Channel.buffered(buffer);
      Channel<Boolean> cb = Channel.buffered(buffer);
      Channel<String> cs = Channel.buffered(buffer);

      assertNothingToReceive(c32, "blocked i32sender");
      assertNothingToReceive(c64, "blocked i64sender");
      assertNothingToReceive(cb, "blocked bsender");
      assertNothingToReceive(cs, "blocked ssender");

      exchange(c32, 123, 234, sync, buffer);
      exchange(c64, 123_456L, 234_567L, sync, buffer);
      exchange(cb, true, true, sync, buffer);
      exchange(cs, "hello", "hello again", sync, buffer);
    }
  }

  private static <T> void assertNothingToReceive(Channel<T> c, String what) throws Exception {
    assertThat(Select.select(c.onReceive(v -> what), Select.defaultCase(() -> "default")))
        .isEqualTo("default");
  }

  /** One type's round of nonblock.go: a receiver, then a sender, each met by a polling select. */
  private static <T> void exchange(
      Channel<T> c, T toReceiver, T fromSender, Channel<Boolean> sync, int buffer)
      throws Exception {
    go(
        () -> {
          assertThat(c.receive()).isEqualTo(toReceiver);
          sync.send(true);
        });
    pollUntil(() -> Select.select(c.onSend(toReceiver, () -> true), defaultFalse()));
    sync.receive();

    go(
        () -> {
          c.send(fromSender);
          sync.send(true);
        });
    if (buffer > 0) {
      sync.receive();
    }
    List<T> received = new ArrayList<>();
    pollUntil(() -> Select.select(c.onReceive(received::add), defaultFalse()));
    assertThat(received).containsExactly(fromSender);
    if (buffer == 0) {
      sync.receive();
    }
  }

  private static SelectCase<Boolean> defaultFalse() {
    return Select.defaultCase(() -> false);
  }

  @FunctionalInterface
  private interface Attempt {
    boolean succeeded() throws Exception;
  }

  /** Go's try loop: a non-blocking attempt, then a short sleep and a yield, until it succeeds. */
  private static void pollUntil(Attempt attempt) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!attempt.succeeded()) {
      assertThat(System.nanoTime() - deadline).as("tries exhausted").isNegative();
      LockSupport.parkNanos(20_000); // Go: two ticks of a 10 µs ticker
      gosched();
    }
  }

  // ------------------------------------------------------------------ select.go

  private int counter;
  private int shift;

  private int getValue() {
    counter++;
    return 1 << shift;
  }

  /**
   * {@code select.go}: a send loop with a default sends to each ready channel once, and evaluates
   * every send case's value on each select, also for a switched-off (Go: nil) channel.
   */
  @Test
  @Timeout(10)
  void select() throws Exception {
    Channel<Integer> a = Channel.buffered(1);
    Channel<Integer> b = Channel.buffered(1);
    assertThat(send(a, b)).isEqualTo(2);
    int av = a.receive();
    int bv = b.receive();
    assertThat(av | bv).as("bad values %d %d", av, bv).isEqualTo(3);
    assertThat(send(a, null)).isEqualTo(1);
    assertThat(counter).isEqualTo(10);
  }

  private int send(Channel<Integer> a, @Nullable Channel<Integer> b) throws Exception {
    int i = 0;
    boolean aOn = true;
    boolean bOn = b != null;
    Channel<Integer> bOrA = b == null ? a : b; // a nil channel still evaluates its value in Go
    while (true) {
      String chosen =
          Select.select(
              a.onSend(getValue(), () -> "a").onlyIf(aOn),
              bOrA.onSend(getValue(), () -> "b").onlyIf(bOn),
              Select.defaultCase(() -> "default"));
      switch (chosen) {
        case "a" -> {
          i++;
          aOn = false;
        }
        case "b" -> {
          i++;
          bOn = false;
        }
        default -> {
          return i;
        }
      }
      shift++;
    }
  }

  // ------------------------------------------------------------------ select2.go

  /**
   * {@code select2.go}: 100,000 selects (a receive and a dummy receive) twice over; Go checks the
   * memory footprint, the port that no waiter is left queued.
   */
  @Test
  @Timeout(60)
  void select2() throws Exception {
    int n = scaled(20_000, 100_000);
    Channel<Integer> c = Channel.rendezvous();
    Channel<Integer> dummy = Channel.rendezvous();
    for (int round = 0; round < 2; round++) { // warm up, then the measured round
      CompletableFuture<Void> sender =
          go(
              () -> {
                for (int i = 0; i < n; i++) {
                  c.send(1);
                }
              });
      SelectCase<Boolean> receive = c.onReceive(v -> true);
      SelectCase<Boolean> dummyReceive =
          dummy.onReceive(
              v -> {
                throw new AssertionError("dummy");
              });
      for (int i = 0; i < n; i++) {
        Select.select(receive, dummyReceive);
      }
      join(sender);
      assertThat(dummy.waitingReceivers()).isZero();
      assertThat(c.waitingReceivers() + c.waitingSenders()).isZero();
    }
  }

  // ------------------------------------------------------------------ select3.go

  /**
   * {@code select3.go}: which channel operations and selects block and which panic. Go races each
   * against a 0.1 s timer; the port runs a blocking one under a 50 ms context and expects {@link
   * ContextDoneException}, and a non-blocking one with no deadline and expects it to finish.
   */
  @Test
  @Timeout(60)
  void select3() throws Exception {
    Channel<Integer> closedch = Channel.rendezvous();
    closedch.close();
    Channel<Integer> nilch = Channel.rendezvous(); // only used in switched-off cases

    // sending/receiving from a nil channel blocks: Shuttle has no nil channel; a select whose only
    // case is switched off is the equivalent
    blocksAlways(ctx -> Select.select(ctx, nilch.onSend(7, () -> 0).onlyIf(false)));
    blocksAlways(ctx -> Select.select(ctx, nilch.onReceive(v -> v).onlyIf(false)));

    // sending/receiving from a nil channel inside a select is never selected
    assertThat(Select.select(nilch.onSend(7, () -> "sent").onlyIf(false), defaultCase()))
        .isEqualTo("default");
    assertThat(Select.select(nilch.onReceive(v -> "received").onlyIf(false), defaultCase()))
        .isEqualTo("default");

    // sending to an async channel with free buffer space never blocks
    blocksNever(
        () -> {
          Channel<Integer> ch = Channel.buffered(1);
          ch.send(7);
        });

    // receiving from a closed channel never blocks
    blocksNever(
        () -> {
          for (int i = 0; i < 10; i++) {
            assertThat(closedch.receiveOrClosed()).isInstanceOf(Closed.class);
            assertThatThrownBy(closedch::receive).isInstanceOf(ChannelClosedException.class);
          }
        });

    // sending to a closed channel panics
    assertThatThrownBy(() -> closedch.send(7)).isInstanceOf(ChannelClosedException.class);

    // receiving from a non-ready channel always blocks
    blocksAlways(ctx -> Channel.<Integer>rendezvous().receive(ctx));

    // empty selects always block
    blocksAlways(ctx -> Select.select(ctx, List.<SelectCase<Integer>>of()));

    // selects with only nil channels always block
    blocksAlways(ctx -> Select.select(ctx, nilch.onReceive(v -> v).onlyIf(false)));
    blocksAlways(ctx -> Select.select(ctx, nilch.onSend(7, () -> 0).onlyIf(false)));
    blocksAlways(
        ctx ->
            Select.select(
                ctx,
                nilch.onReceive(v -> v).onlyIf(false),
                nilch.onSend(7, () -> 0).onlyIf(false)));

    // selects with non-ready non-nil channels always block
    blocksAlways(ctx -> Select.select(ctx, Channel.<Integer>rendezvous().onReceive(v -> v)));

    // selects with default cases don't block
    blocksNever(() -> Select.select(defaultCase()));
    blocksNever(() -> Select.select(nilch.onReceive(v -> "x").onlyIf(false), defaultCase()));
    blocksNever(() -> Select.select(nilch.onSend(7, () -> "x").onlyIf(false), defaultCase()));

    // selects with ready channels don't block
    blocksNever(
        () -> {
          Channel<Integer> ch = Channel.buffered(1);
          assertThat(Select.select(ch.onSend(7, () -> "sent"), defaultCase())).isEqualTo("sent");
        });
    blocksNever(
        () -> {
          Channel<Integer> ch = Channel.buffered(1);
          ch.send(7);
          assertThat(Select.select(ch.onReceive(v -> "received"), defaultCase()))
              .isEqualTo("received");
        });

    // selects with closed channels behave like ordinary operations
    blocksNever(() -> Select.select(closedch.onReceiveOrClosed(r -> r)));
    blocksNever(
        () ->
            assertThatThrownBy(() -> Select.select(closedch.onReceive(v -> v)))
                .isInstanceOf(ChannelClosedException.class));
    assertThatThrownBy(() -> Select.select(closedch.onSend(7, () -> 0)))
        .isInstanceOf(ChannelClosedException.class);

    // select should not get confused if it sees itself
    blocksAlways(
        ctx -> {
          Channel<Integer> c = Channel.rendezvous();
          Select.select(ctx, c.onSend(1, () -> 0), c.onReceive(v -> v));
        });
  }

  private static SelectCase<String> defaultCase() {
    return Select.defaultCase(() -> "default");
  }

  @FunctionalInterface
  private interface InContext {
    void run(Context context) throws Exception;
  }

  private static void blocksAlways(InContext f) throws Exception {
    try (CancelableContext timer = Contexts.withTimeout(Context.root(), Duration.ofMillis(50))) {
      assertThatThrownBy(() -> f.run(timer.context()))
          .as("always block")
          .isInstanceOf(ContextDoneException.class);
    }
  }

  private static void blocksNever(Ports.Body f) throws Exception {
    join(go(f)); // fails after Ports.PATIENCE if it blocks
  }

  // ------------------------------------------------------------------ select4.go

  /** {@code select4.go}: the not-chosen case's assignment (here: its function) never runs. */
  @Test
  @Timeout(10)
  void select4() throws Exception {
    int[] x = new int[1];
    Channel<Integer> c = Channel.buffered(1);
    Channel<Integer> c1 = Channel.rendezvous();
    c.send(42);
    Select.select(
        c1.onReceive(
            v -> {
              throw new AssertionError("BUG: called f");
            }),
        c.onReceive(v -> x[0] = v));
    assertThat(x[0]).isEqualTo(42);
  }

  // ------------------------------------------------------------------ select5.go

  /**
   * {@code select5.go}: generates every combination of a real send or receive with defaults before
   * and after it, dummy cases on a channel that is never ready, and switched-off (Go: nil) cases,
   * and checks that exactly the real operation happens, in the right order of evaluation.
   */
  @Test
  @Timeout(60)
  void select5() throws Exception {
    Select5 s = new Select5();
    int cases = 0;
    cases += s.each(s::recv);
    cases += s.each(s::send);
    cases += s.each(s::recvOrder);
    cases += s.each(s::sendOrder);
    cases += s.each(s::nonblock);
    assertThat(cases).as("paths through the five templates").isEqualTo(900);
    assertThat(s.dummy.waitingSenders() + s.dummy.waitingReceivers()).isZero();
  }

  /** The generator's state and templates; {@code choose} and {@code next} as in select5.go. */
  private static final class Select5 {
    // channel is buffered so test is single-threaded
    final Channel<Integer> c = Channel.buffered(1);
    final Channel<Integer> dummy = Channel.rendezvous();
    int n = 1;
    int x;
    int order;
    private boolean def;
    private final List<int[]> choices = new ArrayList<>(); // {chosen, of}
    private int cp = -1;

    @FunctionalInterface
    interface Template {
      void run() throws Exception;
    }

    /** Runs {@code template} once for every path through its choices; returns the count. */
    int each(Template template) throws Exception {
      int count = 0;
      while (next()) {
        template.run();
        def = false;
        count++;
      }
      return count;
    }

    boolean maybe() {
      return choose(2) == 0;
    }

    boolean maybeDefault() {
      if (def) {
        return false;
      }
      def = maybe();
      return def;
    }

    boolean mustDefault() {
      return !def;
    }

    int choose(int of) {
      if (cp >= choices.size()) { // never asked this before: start with 0
        choices.add(new int[] {0, of});
        cp = choices.size();
        return 0;
      }
      int[] choice = choices.get(cp);
      if (choice[1] != of) {
        throw new IllegalStateException("inconsistent choices");
      }
      cp++;
      return choice[0];
    }

    boolean next() {
      if (cp < 0) { // start a new round
        cp = 0;
        return true;
      }
      cp = choices.size() - 1; // increment last choice sequence
      while (cp >= 0 && choices.get(cp)[0] == choices.get(cp)[1] - 1) {
        cp--;
      }
      if (cp < 0) {
        choices.clear();
        return false;
      }
      choices.get(cp)[0]++;
      choices.subList(cp + 1, choices.size()).clear();
      cp = 0;
      return true;
    }

    void checkorder(int o) {
      assertThat(o).as("invalid order %d after %d", o, order).isGreaterThan(order);
      order = o;
    }

    <T> T fc(T channel, int o) {
      checkorder(o);
      return channel;
    }

    int fn(int value, int o) {
      checkorder(o);
      return value;
    }

    void check() {
      assertThat(x).as("have %d want %d", x, n).isEqualTo(n);
      n++;
    }

    static Function<Object, Boolean> fails(String what) {
      return v -> {
        throw new AssertionError(what);
      };
    }

    static Supplier<Boolean> failsNow(String what) {
      return () -> {
        throw new AssertionError(what);
      };
    }

    static SelectCase<Boolean> failingDefault() {
      return Select.defaultCase(
          () -> {
            throw new AssertionError("nonblock");
          });
    }

    /** Receives from {@code c} in one of Shuttle's three receive-case forms. */
    SelectCase<Boolean> receiveInto(Channel<Integer> from, Runnable beforeAssigning) {
      if (maybe()) {
        return from.onReceive(
            v -> {
              beforeAssigning.run();
              x = v;
              return true;
            });
      } else if (maybe()) {
        return from.onReceiveMessage(
            m -> {
              beforeAssigning.run();
              x = m.value();
              return true;
            });
      }
      return from.onReceiveOrClosed(
          r -> {
            beforeAssigning.run();
            x = ((Message<Integer>) r).value();
            return true;
          });
    }

    void addDummies(List<SelectCase<Boolean>> cases) {
      if (maybe()) {
        cases.add(dummy.onSend(1, failsNow("dummy send")));
      }
      if (maybe()) {
        cases.add(dummy.onReceive(fails("dummy receive")));
      }
      if (maybe()) {
        cases.add(dummy.onSend(1, failsNow("nilch send")).onlyIf(false));
      }
      if (maybe()) {
        cases.add(dummy.onReceive(fails("nilch recv")).onlyIf(false));
      }
    }

    /** Send n, receive it one way or another into x, check that they match. */
    void recv() throws Exception {
      c.send(n);
      if (maybe()) {
        x = c.receive();
      } else {
        List<SelectCase<Boolean>> cases = new ArrayList<>();
        if (maybeDefault()) {
          cases.add(failingDefault());
        }
        cases.add(receiveInto(c, () -> {}));
        if (maybeDefault()) {
          cases.add(failingDefault());
        }
        addDummies(cases);
        Select.select(Context.root(), cases);
      }
      check();
    }

    /** Send n one way or another, receive it into x, check that they match. */
    void send() throws Exception {
      if (maybe()) {
        c.send(n);
      } else {
        List<SelectCase<Boolean>> cases = new ArrayList<>();
        if (maybeDefault()) {
          cases.add(failingDefault());
        }
        cases.add(c.onSend(n, () -> true));
        if (maybeDefault()) {
          cases.add(failingDefault());
        }
        addDummies(cases);
        Select.select(Context.root(), cases);
      }
      x = c.receive();
      check();
    }

    /**
     * As recv, checking the order of evaluation: channels and values of every case in source order,
     * the receiving case's assignment only after the case is chosen.
     */
    void recvOrder() throws Exception {
      order = 0;
      c.send(n);
      if (maybe()) {
        x = fc(c, 1).receive();
      } else {
        List<SelectCase<Boolean>> cases = new ArrayList<>();
        if (maybeDefault()) {
          cases.add(failingDefault());
        }
        cases.add(receiveInto(fc(c, 1), () -> checkorder(100)));
        if (maybeDefault()) {
          cases.add(failingDefault());
        }
        if (maybe()) {
          cases.add(fc(dummy, 2).onSend(fn(1, 3), failsNow("dummy send")));
        }
        if (maybe()) {
          cases.add(fc(dummy, 4).onReceive(fails("dummy receive")));
        }
        if (maybe()) {
          cases.add(fc(dummy, 5).onSend(fn(1, 6), failsNow("nilch send")).onlyIf(false));
        }
        if (maybe()) {
          cases.add(fc(dummy, 7).onReceive(fails("nilch recv")).onlyIf(false));
        }
        Select.select(Context.root(), cases);
      }
      check();
    }

    /** As send, checking the order of evaluation. */
    void sendOrder() throws Exception {
      order = 0;
      if (maybe()) {
        fc(c, 1).send(fn(n, 2));
      } else {
        List<SelectCase<Boolean>> cases = new ArrayList<>();
        if (maybeDefault()) {
          cases.add(failingDefault());
        }
        cases.add(fc(c, 1).onSend(fn(n, 2), () -> true));
        if (maybeDefault()) {
          cases.add(failingDefault());
        }
        if (maybe()) {
          cases.add(fc(dummy, 3).onSend(fn(1, 4), failsNow("dummy send")));
        }
        if (maybe()) {
          cases.add(fc(dummy, 5).onReceive(fails("dummy receive")));
        }
        if (maybe()) {
          cases.add(fc(dummy, 6).onSend(fn(1, 7), failsNow("nilch send")).onlyIf(false));
        }
        if (maybe()) {
          cases.add(fc(dummy, 8).onReceive(fails("nilch recv")).onlyIf(false));
        }
        Select.select(Context.root(), cases);
      }
      x = c.receive();
      check();
    }

    /** Non-blocking selects: receive functions must not run (Go: not even compute the lhs). */
    void nonblock() throws Exception {
      x = n;
      List<SelectCase<Boolean>> cases = new ArrayList<>();
      if (maybeDefault()) {
        cases.add(Select.defaultCase(() -> true));
      }
      if (maybe()) {
        cases.add(dummy.onSend(1, failsNow("dummy <- 1")));
      }
      if (maybe()) {
        cases.add(dummy.onSend(1, failsNow("nilch <- 1")).onlyIf(false));
      }
      if (maybe()) {
        cases.add(dummy.onReceive(fails("<-dummy")));
      }
      if (maybe()) {
        cases.add(dummy.onReceiveMessage(fails("<-dummy x")));
      }
      if (maybe()) {
        cases.add(dummy.onReceiveOrClosed(fails("<-dummy (and didn't crash saving result!)")));
      }
      if (maybe()) {
        cases.add(dummy.onReceive(fails("<-nilch")).onlyIf(false));
      }
      if (maybe()) {
        cases.add(dummy.onReceiveMessage(fails("<-nilch x")).onlyIf(false));
      }
      if (maybe()) {
        cases.add(
            dummy
                .onReceiveOrClosed(fails("<-nilch (and didn't crash saving result!)"))
                .onlyIf(false));
      }
      if (mustDefault()) {
        cases.add(Select.defaultCase(() -> true));
      }
      Select.select(Context.root(), cases);
      check();
    }
  }

  // ------------------------------------------------------------------ select6.go

  /**
   * {@code select6.go} (Go issue 2075): a select that fails on a channel with several waiters, and
   * is last in its queue, must leave that queue intact, so two later sends wake both receivers.
   */
  @Test
  @Timeout(30)
  void select6() throws Exception {
    Channel<Boolean> c1 = Channel.rendezvous();
    Channel<Boolean> c2 = Channel.rendezvous();
    Channel<Boolean> c3 = Channel.rendezvous();
    CompletableFuture<Void> first = go(c1::receive);
    Waits.until(() -> c1.waitingReceivers() == 1);
    CompletableFuture<Void> second =
        go(
            () -> {
              Select.select(
                  c1.onReceive(
                      v -> {
                        throw new AssertionError("dummy");
                      }),
                  c2.onReceive(v -> v));
              c3.send(true);
              c1.receive();
            });
    Waits.until(() -> c1.waitingReceivers() == 2); // the select is last in c1's queue
    go(() -> c2.send(true));
    c3.receive();
    c1.send(true);
    c1.send(true);
    join(first);
    join(second);
  }

  // ------------------------------------------------------------------ select7.go

  /** {@code select7.go}: receives that discard the value, in three forms against three sends. */
  @Test
  @Timeout(30)
  void select7() throws Exception {
    List<Recv> receivers =
        List.of(
            c -> c.receive(),
            c -> Select.select(c.onReceive(v -> v)),
            c -> {
              Channel<Integer> c2 = Channel.rendezvous();
              Select.select(c.onReceive(v -> v), c2.onReceive(v -> v));
            });
    for (Recv recv : receivers) {
      send1(recv);
      send2(recv);
      send3(recv);
    }
  }

  @FunctionalInterface
  private interface Recv {
    void recv(Channel<Integer> c) throws Exception;
  }

  private static void send1(Recv recv) throws Exception {
    Channel<Integer> c = Channel.rendezvous();
    CompletableFuture<Void> receiver = go(() -> recv.recv(c));
    gosched();
    c.send(1);
    join(receiver);
  }

  private static void send2(Recv recv) throws Exception {
    Channel<Integer> c = Channel.rendezvous();
    CompletableFuture<Void> receiver = go(() -> recv.recv(c));
    gosched();
    Select.select(c.onSend(1, () -> 0));
    join(receiver);
  }

  private static void send3(Recv recv) throws Exception {
    Channel<Integer> c = Channel.rendezvous();
    CompletableFuture<Void> receiver = go(() -> recv.recv(c));
    gosched();
    Channel<Integer> c2 = Channel.rendezvous();
    Select.select(c.onSend(1, () -> 0), c2.onSend(1, () -> 0));
    join(receiver);
  }

  // ------------------------------------------------------------------ select8.go

  /**
   * {@code select8.go}: 1-, 2- and 3-case selects (a receive, a default, a send that can never
   * proceed). Go's subject, {@code break} inside a case, is syntax; the selects are ported.
   */
  @Test
  @Timeout(30)
  void select8() throws Exception {
    Channel<Integer> ch = Channel.rendezvous();
    CompletableFuture<Void> sender =
        go(
            () -> {
              while (ch.sendOrClosed(5).isSent()) {
                // for { ch <- 5 }: until the test closes the channel
              }
            });
    int first = Select.select(ch.onReceive(v -> v));
    assertThat(first).isEqualTo(5);
    assertThat(Select.select(Select.defaultCase(() -> "default"))).isEqualTo("default");
    assertThat(Select.select(ch.onReceive(v -> "received"), Select.defaultCase(() -> "default")))
        .isIn("received", "default");
    assertThat(
            Select.select(
                ch.onReceive(v -> "received"),
                ch.onSend(
                    10,
                    () -> {
                      throw new AssertionError("unreachable");
                    }),
                Select.defaultCase(() -> "default")))
        .isIn("received", "default");
    ch.close();
    join(sender);
  }

  // ------------------------------------------------------------------ sendstmt.go

  /**
   * {@code sendstmt.go}'s {@code chanchan}: a send case on a channel received from a channel of
   * channels ({@code case <-cc <- 2:}). Its {@code sendprec} checks how Go parses {@code c <- false
   * || true}; Java has no send operator to parse, so it is not ported.
   */
  @Test
  @Timeout(10)
  void sendstmt() throws Exception {
    // chanchan
    Channel<Channel<Integer>> cc = Channel.buffered(1);
    Channel<Integer> c = Channel.buffered(1);
    cc.send(c);
    assertThat(
            Select.select(
                cc.receive().onSend(2, () -> "sent"),
                Select.defaultCase(
                    () -> {
                      throw new AssertionError("nonblock");
                    })))
        .isEqualTo("sent");
    assertThat(c.receive()).as("bad receive").isEqualTo(2);
  }

  // ------------------------------------------------------------------ sieve1.go

  private static final List<Integer> PRIMES_TO_100 =
      List.of(
          2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83,
          89, 97);

  /**
   * {@code sieve1.go}: the classical concurrent prime sieve, a daisy chain of filter threads; all
   * of them end when the test cancels their context.
   */
  @Test
  @Timeout(30)
  void sieve1() throws Exception {
    try (Goroutines g = new Goroutines()) {
      Channel<Integer> primes = Channel.rendezvous();
      g.go(() -> sieve(g, primes));
      for (int expected : PRIMES_TO_100) {
        assertThat(primes.receive()).isEqualTo(expected);
      }
    }
  }

  /** Sends the sequence 2, 3, 4, ... to channel 'ch'. */
  private static void generate(Channel<Integer> ch) throws InterruptedException {
    for (int i = 2; ; i++) {
      ch.send(i);
    }
  }

  /** Copies the values from 'in' to 'out', removing those divisible by 'prime'. */
  private static void filter(Channel<Integer> in, Channel<Integer> out, int prime)
      throws InterruptedException {
    for (int i : in) {
      if (i % prime != 0) {
        out.send(i);
      }
    }
  }

  private static void sieve(Goroutines g, Channel<Integer> primes) throws InterruptedException {
    Channel<Integer> ch = Channel.rendezvous();
    g.go(() -> generate(ch));
    Channel<Integer> current = ch;
    while (true) {
      int prime = current.receive();
      primes.send(prime);
      Channel<Integer> ch1 = Channel.rendezvous();
      Channel<Integer> in = current;
      g.go(() -> filter(in, ch1, prime));
      current = ch1;
    }
  }

  // ------------------------------------------------------------------ sieve2.go

  /**
   * {@code sieve2.go}: an Eratosthenes sieve over odd candidates; the multiples of each prime are
   * merged through a heap, and a proxy thread with a growing buffer (a select whose send case is
   * off while the buffer is empty) keeps the feedback loop from deadlocking.
   */
  @Test
  @Timeout(30)
  void sieve2() throws Exception {
    try (Goroutines g = new Goroutines()) {
      Channel<Integer> primes = sieve2(g);
      for (int expected : PRIMES_TO_100) {
        assertThat(primes.receive()).isEqualTo(expected);
      }
    }
  }

  /** Returns a channel of odd numbers, starting from 5. */
  private static Channel<Integer> odds(Goroutines g) {
    Channel<Integer> out = Channel.buffered(50);
    g.go(
        () -> {
          for (int n = 5; ; n += 2) {
            out.send(n);
          }
        });
    return out;
  }

  /** Returns a channel of odd multiples of the prime p, starting from p*p. */
  private static Channel<Integer> multiples(Goroutines g, int p) {
    Channel<Integer> out = Channel.buffered(10);
    g.go(
        () -> {
          for (int n = p * p; ; n += 2 * p) {
            out.send(n);
          }
        });
    return out;
  }

  private record PeekCh(int head, Channel<Integer> ch) {}

  /** Returns a channel that forwards to {@code out} through a buffer that grows as needed. */
  private static Channel<Integer> sendproxy(Goroutines g, Channel<Integer> out) {
    Channel<Integer> proxy = Channel.buffered(10);
    g.go(
        () -> {
          Queue<Integer> buffer = new ArrayDeque<>(16); // Go: a ring that doubles when full
          while (true) {
            Integer first = buffer.peek();
            boolean empty = first == null; // buffer empty: disable output
            int e = empty ? 0 : first;
            Select.select(
                proxy.onReceive(buffer::add),
                out.onSend(e, () -> buffer.remove() != null).onlyIf(!empty));
          }
        });
    return proxy;
  }

  private static Channel<Integer> sieve2(Goroutines g) throws InterruptedException {
    Channel<Integer> out = Channel.buffered(10); // the output values
    out.send(2);
    out.send(3);
    Channel<Integer> composites = Channel.buffered(50); // composites to eliminate, in order
    Channel<Integer> primes = Channel.buffered(10); // the feedback loop
    primes.send(3);

    // merge channels of multiples of 'primes' into 'composites'
    g.go(
        () -> {
          PriorityQueue<PeekCh> h =
              new PriorityQueue<>((a, b) -> Integer.compare(a.head(), b.head()));
          int min = 15;
          while (true) {
            Channel<Integer> m = multiples(g, primes.receive());
            int head = m.receive();
            while (min < head) {
              composites.send(min);
              PeekCh minchan = Objects.requireNonNull(h.poll());
              min = minchan.head();
              h.add(new PeekCh(minchan.ch().receive(), minchan.ch()));
            }
            while (min == head) {
              PeekCh minchan = Objects.requireNonNull(h.poll());
              min = minchan.head();
              h.add(new PeekCh(minchan.ch().receive(), minchan.ch()));
            }
            composites.send(head);
            h.add(new PeekCh(m.receive(), m));
          }
        });

    // sieve out 'composites' from 'candidates'
    g.go(
        () -> {
          // the merging thread receives from 'primes' much more slowly than this one sends to it;
          // the proxy buffers without bound so that this thread never blocks on it
          Channel<Integer> primesProxy = sendproxy(g, primes);
          Channel<Integer> candidates = odds(g);
          int p = candidates.receive();
          while (true) {
            int c = composites.receive();
            while (p < c) {
              primesProxy.send(p);
              out.send(p);
              p = candidates.receive();
            }
            if (p == c) {
              p = candidates.receive();
            }
          }
        });
    return out;
  }

  // ------------------------------------------------------------------ zerosize.go

  /** {@code zerosize.go}: channels of a type with no state, rendezvous and buffered. */
  @Test
  @Timeout(10)
  void zerosize() throws Exception {
    record Empty() {}
    Channel<Empty> unbuffered = Channel.rendezvous();
    Channel<Empty> buffered = Channel.buffered(1);
    buffered.send(new Empty());
    assertThat(buffered.receive()).isEqualTo(new Empty());
    CompletableFuture<Void> sender = go(() -> unbuffered.send(new Empty()));
    assertThat(unbuffered.receive()).isEqualTo(new Empty());
    join(sender);
  }

  // ------------------------------------------------------------------ support

  /**
   * The goroutines of a Go program that never stop on their own, run under one cancellable context;
   * {@code close()} cancels it and checks that every one of them ends, by the context's {@link
   * ContextDoneException} (or a channel closed under it) or normally.
   */
  static final class Goroutines implements AutoCloseable {
    private final CancelableContext context = Contexts.withCancel(Context.root());
    private final Queue<CompletableFuture<Void>> started = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicInteger failures = new AtomicInteger();

    /** Go's {@code go body()}, in this program's context. */
    void go(Ports.Body body) {
      started.add(
          Ports.go(
              () -> {
                try (var ignored = context.makeCurrent()) {
                  body.run();
                } catch (ContextDoneException e) {
                  if (!closing.get()) {
                    failures.incrementAndGet();
                    throw e;
                  }
                }
              }));
    }

    @Override
    public void close() throws Exception {
      closing.set(true);
      context.cancel();
      for (CompletableFuture<Void> thread = started.poll();
          thread != null;
          thread = started.poll()) {
        join(thread);
      }
      assertThat(failures).as("threads stopped before the program ended").hasValue(0);
    }
  }
}
