package dev.shuttle.channel;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import io.opentelemetry.context.Context;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck (3.7, model checking) of {@link Channel} and {@link Select}.
 *
 * <p>Two kinds of checks: (1) the non-blocking API of buffered channels, with {@code close}, is
 * linearizable against a sequential bounded FIFO ({@link BufferedSpec}); (2) Lincheck's
 * general-purpose model checker explores the interleavings of small blocking scenarios —
 * rendezvous, buffered, select, cancellation, close — and asserts that every thread finishes and
 * that no value is lost or duplicated. Blocking operations cannot be given a sequential
 * specification without Kotlin suspension, hence the second form. Assertions inside the checked
 * lambdas are plain {@code if}s: Lincheck instruments them and AssertJ's {@code equals} trips it.
 *
 * <p>The default runs take seconds; {@code -Pstress} runs the {@code stress}-tagged versions with
 * many more invocations.
 */
class ChannelLincheckTest {
  private static final int INVOCATIONS = 60;
  private static final int STRESS_INVOCATIONS = 20_000;

  // ---------------------------------------------------------------- linearizability

  /** The non-blocking operations of a channel, as Lincheck actors. */
  public abstract static class NonBlocking {
    private final Channel<Integer> channel;

    NonBlocking(int capacity) {
      channel = Channel.buffered(capacity);
    }

    @Operation
    public String trySend(int value) {
      try {
        return channel.trySend(value) ? "sent" : "full";
      } catch (ChannelClosedException e) {
        return "closed";
      }
    }

    @Operation
    public String tryReceive() {
      Received<Integer> r = channel.tryReceive();
      if (r == null) {
        return "empty";
      }
      return r instanceof Message<Integer> m ? "value " + m.value() : "closed";
    }

    @Operation
    public String close() {
      try {
        channel.close();
        return "closed now";
      } catch (ChannelClosedException e) {
        return "already closed";
      }
    }

    @Operation
    public int len() {
      return channel.len();
    }

    @Operation
    public boolean isDrained() {
      return channel.isDrained();
    }
  }

  /** A buffered(1) channel under test. */
  public static class Buffered1 extends NonBlocking {
    public Buffered1() {
      super(1);
    }
  }

  /** A buffered(2) channel under test. */
  public static class Buffered2 extends NonBlocking {
    public Buffered2() {
      super(2);
    }
  }

  /** A buffered(3) channel: its ring has four slots, of which three may hold values. */
  public static class Buffered3 extends NonBlocking {
    public Buffered3() {
      super(3);
    }
  }

  /** The sequential specification: a bounded FIFO with a closed flag and Go's close rules. */
  public abstract static class BufferedSpec {
    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private final int capacity;
    private boolean closed;

    BufferedSpec(int capacity) {
      this.capacity = capacity;
    }

    public String trySend(int value) {
      if (closed) {
        return "closed";
      }
      if (queue.size() == capacity) {
        return "full";
      }
      queue.add(value);
      return "sent";
    }

    public String tryReceive() {
      Integer v = queue.poll();
      if (v != null) {
        return "value " + v;
      }
      return closed ? "closed" : "empty";
    }

    public String close() {
      if (closed) {
        return "already closed";
      }
      closed = true;
      return "closed now";
    }

    public int len() {
      return queue.size();
    }

    public boolean isDrained() {
      return closed && queue.isEmpty();
    }
  }

  /** Specification of {@link Buffered1}. */
  public static class Buffered1Spec extends BufferedSpec {
    public Buffered1Spec() {
      super(1);
    }
  }

  /** Specification of {@link Buffered2}. */
  public static class Buffered2Spec extends BufferedSpec {
    public Buffered2Spec() {
      super(2);
    }
  }

  /** Specification of {@link Buffered3}. */
  public static class Buffered3Spec extends BufferedSpec {
    public Buffered3Spec() {
      super(3);
    }
  }

  private static ModelCheckingOptions options(int iterations) {
    return new ModelCheckingOptions()
        .iterations(iterations)
        .invocationsPerIteration(200)
        .threads(2)
        .actorsPerThread(3);
  }

  @Test
  @Timeout(120)
  void bufferedOneIsLinearizable() {
    options(3).sequentialSpecification(Buffered1Spec.class).check(Buffered1.class);
  }

  @Test
  @Timeout(120)
  void bufferedTwoIsLinearizable() {
    options(3).sequentialSpecification(Buffered2Spec.class).check(Buffered2.class);
  }

  @Test
  @Timeout(120)
  void bufferedThreeIsLinearizable() {
    options(3).sequentialSpecification(Buffered3Spec.class).check(Buffered3.class);
  }

  @Test
  @Tag("stress")
  @Timeout(1800)
  void bufferedIsLinearizableLong() {
    new ModelCheckingOptions()
        .iterations(200)
        .invocationsPerIteration(5_000)
        .threads(3)
        .actorsPerThread(3)
        .sequentialSpecification(Buffered2Spec.class)
        .check(Buffered2.class);
  }

  // ------------------------------------------------------------ blocking scenarios

  @Test
  @Timeout(120)
  void rendezvousHandsOverExactlyOnceOrReportsClosed() {
    Lincheck.runConcurrentTest(INVOCATIONS, ChannelLincheckTest::rendezvousWithClose);
  }

  @Test
  @Timeout(120)
  void bufferedBlockingSendersAllDeliver() {
    Lincheck.runConcurrentTest(INVOCATIONS, ChannelLincheckTest::bufferedBlocking);
  }

  @Test
  @Timeout(120)
  void selectTakesEachValueExactlyOnce() {
    Lincheck.runConcurrentTest(INVOCATIONS, ChannelLincheckTest::selectOverTwo);
  }

  @Test
  @Timeout(120)
  void cancelledReceiverNeverLosesAValue() {
    Lincheck.runConcurrentTest(INVOCATIONS, ChannelLincheckTest::cancelRace);
  }

  @Test
  @Timeout(120)
  void selectSendDeliversExactlyOnceOrFailsOnClose() {
    Lincheck.runConcurrentTest(INVOCATIONS, ChannelLincheckTest::selectSendWithClose);
  }

  @Test
  @Timeout(120)
  void closeKeepsBufferedValuesAndReleasesABlockedSender() {
    Lincheck.runConcurrentTest(INVOCATIONS, ChannelLincheckTest::bufferedCloseWithBlockedSender);
  }

  // A buffered channel's lock-free operations meet the waiters that the lock serves: each scenario
  // hangs (Lincheck reports the deadlock) if a wake-up is lost, and fails if a value is.

  @Test
  @Timeout(120)
  void aReceiverWaitingOnAnEmptyBufferGetsATrySend() {
    Lincheck.runConcurrentTest(INVOCATIONS, ChannelLincheckTest::waitingReceiverAndTrySend);
  }

  @Test
  @Timeout(120)
  void aSenderWaitingOnAFullBufferMovesInWhenATryReceiveFreesASlot() {
    Lincheck.runConcurrentTest(INVOCATIONS, ChannelLincheckTest::waitingSenderAndTryReceive);
  }

  @Test
  @Timeout(120)
  void aCancelledReceiverOnABufferNeverLosesATrySend() {
    Lincheck.runConcurrentTest(INVOCATIONS, ChannelLincheckTest::bufferedCancelRace);
  }

  @Test
  @Timeout(120)
  void aSelectOverTwoBuffersTakesOneValueAndLeavesTheOther() {
    Lincheck.runConcurrentTest(INVOCATIONS, ChannelLincheckTest::selectOverTwoBuffers);
  }

  @Test
  @Timeout(120)
  void aSelectWithADefaultSeesBothBuffersAtOneInstant() {
    Lincheck.runConcurrentTest(300, ChannelLincheckTest::selectDefaultWhileAValueMoves);
  }

  @Test
  @Tag("stress")
  @Timeout(3600)
  void blockingScenariosLong() {
    Lincheck.runConcurrentTest(STRESS_INVOCATIONS, ChannelLincheckTest::rendezvousWithClose);
    Lincheck.runConcurrentTest(STRESS_INVOCATIONS, ChannelLincheckTest::bufferedBlocking);
    Lincheck.runConcurrentTest(STRESS_INVOCATIONS, ChannelLincheckTest::selectOverTwo);
    Lincheck.runConcurrentTest(STRESS_INVOCATIONS, ChannelLincheckTest::cancelRace);
    Lincheck.runConcurrentTest(STRESS_INVOCATIONS, ChannelLincheckTest::selectSendWithClose);
    Lincheck.runConcurrentTest(
        STRESS_INVOCATIONS, ChannelLincheckTest::bufferedCloseWithBlockedSender);
    Lincheck.runConcurrentTest(STRESS_INVOCATIONS, ChannelLincheckTest::waitingReceiverAndTrySend);
    Lincheck.runConcurrentTest(STRESS_INVOCATIONS, ChannelLincheckTest::waitingSenderAndTryReceive);
    Lincheck.runConcurrentTest(STRESS_INVOCATIONS, ChannelLincheckTest::bufferedCancelRace);
    Lincheck.runConcurrentTest(STRESS_INVOCATIONS, ChannelLincheckTest::selectOverTwoBuffers);
    Lincheck.runConcurrentTest(
        STRESS_INVOCATIONS, ChannelLincheckTest::selectDefaultWhileAValueMoves);
  }

  /**
   * A select sends one value on either of two rendezvous channels; a receiver waits on the first;
   * both are closed. The value reaches the receiver exactly when the select reports the send.
   */
  private static void selectSendWithClose() {
    Channel<Integer> a = Channel.rendezvous();
    Channel<Integer> b = Channel.rendezvous();
    AtomicReference<String> selected = new AtomicReference<>("");
    AtomicReference<String> received = new AtomicReference<>("");
    Thread selector =
        start(
            () -> {
              try {
                selected.set(Select.select(a.onSend(1, () -> "a"), b.onSend(1, () -> "b")));
              } catch (ChannelClosedException e) {
                selected.set("closed");
              }
            });
    Thread receiver = start(() -> received.set(describe(a.receiveOrClosed())));
    a.close();
    b.close();
    join(selector);
    join(receiver);
    check(!selected.get().equals("b"), "nobody received from b, yet the select sent on it");
    check(
        selected.get().equals("a") == received.get().equals("value 1"),
        "selected=" + selected + " received=" + received);
    check(a.waitingSenders() + b.waitingSenders() == 0, "select left a node behind");
  }

  /**
   * A buffered(1) channel holds one value; a sender blocks with a second; a receiver drains while
   * the channel is closed. The receiver gets the first value, then the second exactly when its send
   * succeeded, then "closed".
   */
  private static void bufferedCloseWithBlockedSender() {
    Channel<Integer> channel = Channel.buffered(1);
    if (!channel.trySend(1)) {
      throw new AssertionError("an empty buffered(1) channel refused a value");
    }
    AtomicReference<String> sent = new AtomicReference<>("");
    AtomicReference<String> drained = new AtomicReference<>("");
    Thread sender = start(() -> sent.set(channel.sendOrClosed(2).isSent() ? "sent" : "closed"));
    Thread receiver =
        start(
            () -> {
              StringBuilder values = new StringBuilder();
              for (Received<Integer> r = channel.receiveOrClosed();
                  r instanceof Message<Integer> m;
                  r = channel.receiveOrClosed()) {
                values.append(m.value());
              }
              drained.set(values.toString());
            });
    channel.close();
    join(sender);
    join(receiver);
    String expected = sent.get().equals("sent") ? "12" : "1";
    check(drained.get().equals(expected), "sent=" + sent + " drained=" + drained);
  }

  /** A receive on an empty buffered(1) channel races with a trySend, then a second one. */
  private static void waitingReceiverAndTrySend() {
    Channel<Integer> channel = Channel.buffered(1);
    AtomicReference<String> received = new AtomicReference<>("");
    Thread receiver = start(() -> received.set(describe(channel.receiveOrClosed())));
    boolean first = channel.trySend(1);
    boolean second = channel.trySend(2);
    join(receiver);
    check(first, "an empty buffered(1) channel refused a value");
    check(received.get().equals("value 1"), "received " + received);
    Received<Integer> left = channel.tryReceive();
    check(
        second ? left != null && describe(left).equals("value 2") : left == null,
        "second=" + second + " left=" + left);
    check(channel.waitingReceivers() == 0 && channel.len() == 0, "state " + channel);
  }

  /** A send on a full buffered(1) channel races with a tryReceive; a receive then gets it. */
  private static void waitingSenderAndTryReceive() {
    Channel<Integer> channel = Channel.buffered(1);
    if (!channel.trySend(1)) {
      throw new AssertionError("an empty buffered(1) channel refused a value");
    }
    Thread sender = start(() -> channel.send(2));
    Received<Integer> first = channel.tryReceive();
    int second = receive(channel);
    join(sender);
    check(first != null && describe(first).equals("value 1"), "first " + first);
    check(second == 2, "second " + second);
    check(channel.waitingSenders() == 0 && channel.len() == 0, "state " + channel);
  }

  /** A receiver on an empty buffered(1) channel is cancelled while a trySend races with it. */
  private static void bufferedCancelRace() {
    Channel<Integer> channel = Channel.buffered(1);
    CancelableContext context = Contexts.withCancel(Context.root());
    AtomicReference<String> received = new AtomicReference<>("");
    Thread receiver = startCancellableReceive(channel, context, received);
    boolean sent = channel.trySend(1);
    context.cancel();
    join(receiver);
    Received<Integer> left = channel.tryReceive();
    check(sent, "an empty buffered(1) channel refused a value");
    check(
        received.get().equals("value 1")
            ? left == null
            : left != null && received.get().equals("cancelled"),
        "received=" + received + " left=" + left);
    check(channel.waitingReceivers() == 0, "cancelled receiver left its node");
  }

  /** A select over two empty buffered(1) channels races with a trySend on each. */
  private static void selectOverTwoBuffers() {
    Channel<Integer> a = Channel.buffered(1);
    Channel<Integer> b = Channel.buffered(1);
    AtomicReference<String> selected = new AtomicReference<>("");
    Thread selector = startSelectReceive(a, b, selected);
    boolean sentA = a.trySend(1);
    boolean sentB = b.trySend(2);
    join(selector);
    check(sentA && sentB, "an empty buffered(1) channel refused a value");
    Received<Integer> leftA = a.tryReceive();
    Received<Integer> leftB = b.tryReceive();
    String expected = selected.get().equals("value 1") ? "value 2" : "value 1";
    String left = leftA != null ? describe(leftA) : leftB != null ? describe(leftB) : "none";
    check(
        (leftA == null || leftB == null) && left.equals(expected),
        "selected=" + selected + " leftA=" + leftA + " leftB=" + leftB);
    check(a.waitingReceivers() + b.waitingReceivers() == 0, "selector left a node behind");
  }

  /**
   * Values move between two buffered(1) channels so that one of them holds a value at every
   * instant: a select over both with a default case must never take the default (Go's select locks
   * both channels; lock-free sends and receives must not slip in between its two looks).
   */
  private static void selectDefaultWhileAValueMoves() {
    Channel<Integer> a = Channel.buffered(1);
    Channel<Integer> b = Channel.buffered(1);
    if (!a.trySend(1)) {
      throw new AssertionError("an empty buffered(1) channel refused a value");
    }
    AtomicReference<String> selected = new AtomicReference<>("");
    Thread selector =
        start(
            () ->
                selected.set(
                    Select.select(
                        a.onReceive(v -> "a " + v),
                        b.onReceive(v -> "b " + v),
                        Select.defaultCase(() -> "default"))));
    boolean moved = true;
    for (int round = 0; round < 3; round++) { // each step keeps a value in a or b
      moved &= b.trySend(2) && a.tryReceive() != null && a.trySend(1) && b.tryReceive() != null;
    }
    join(selector);
    check(!selected.get().equals("default"), "a select saw both channels empty; moved=" + moved);
  }

  /** A sender, a receiver and close race on a rendezvous channel. */
  private static void rendezvousWithClose() {
    Channel<Integer> channel = Channel.rendezvous();
    AtomicReference<String> sent = new AtomicReference<>("");
    AtomicReference<String> received = new AtomicReference<>("");
    Thread sender = start(() -> sent.set(channel.sendOrClosed(1).isSent() ? "sent" : "closed"));
    Thread receiver = start(() -> received.set(describe(channel.receiveOrClosed())));
    channel.close();
    join(sender);
    join(receiver);
    check(
        sent.get().equals("sent") == received.get().equals("value 1"),
        "sent=" + sent + " received=" + received);
  }

  /** Two blocking senders on buffered(1), one receiver taking two values. */
  private static void bufferedBlocking() {
    Channel<Integer> channel = Channel.buffered(1);
    Thread a = start(() -> channel.send(1));
    Thread b = start(() -> channel.send(2));
    int first = receive(channel);
    int second = receive(channel);
    join(a);
    join(b);
    check(first + second == 3 && first != second, "received " + first + ", " + second);
    check(channel.len() == 0 && channel.waitingSenders() == 0, "state " + channel);
  }

  /** A select over two rendezvous channels against two senders and a close of both. */
  private static void selectOverTwo() {
    Channel<Integer> a = Channel.rendezvous();
    Channel<Integer> b = Channel.rendezvous();
    AtomicReference<String> sentA = new AtomicReference<>("");
    AtomicReference<String> sentB = new AtomicReference<>("");
    AtomicReference<String> selected = new AtomicReference<>("");
    Thread senderA = start(() -> sentA.set(a.sendOrClosed(1).isSent() ? "sent" : "closed"));
    Thread senderB = start(() -> sentB.set(b.sendOrClosed(2).isSent() ? "sent" : "closed"));
    Thread selector = startSelectReceive(a, b, selected);
    a.close();
    b.close();
    join(senderA);
    join(senderB);
    join(selector);
    int sent = (sentA.get().equals("sent") ? 1 : 0) + (sentB.get().equals("sent") ? 1 : 0);
    int got = selected.get().startsWith("value") ? 1 : 0;
    check(sent == got, "sentA=" + sentA + " sentB=" + sentB + " selected=" + selected);
    check(a.waitingReceivers() + b.waitingReceivers() == 0, "selector left a node behind");
  }

  /** A receiver whose context is cancelled races with a sender; then the channel is closed. */
  private static void cancelRace() {
    Channel<Integer> channel = Channel.rendezvous();
    CancelableContext context = Contexts.withCancel(Context.root());
    AtomicReference<String> sent = new AtomicReference<>("");
    AtomicReference<String> received = new AtomicReference<>("");
    Thread receiver = startCancellableReceive(channel, context, received);
    Thread sender = start(() -> sent.set(channel.sendOrClosed(1).isSent() ? "sent" : "closed"));
    context.cancel();
    join(receiver);
    channel.close();
    join(sender);
    check(
        sent.get().equals("sent") == received.get().equals("value 1"),
        "sent=" + sent + " received=" + received);
    check(channel.waitingReceivers() == 0, "cancelled receiver left its node");
  }

  // ---------------------------------------------------------------- helpers

  private interface Body {
    void run() throws InterruptedException;
  }

  private static Thread start(Body body) {
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (InterruptedException e) {
                throw new AssertionError("interrupted", e);
              }
            });
    t.start();
    return t;
  }

  /**
   * Starts a receive under {@code context}: its value, "closed" or "cancelled" goes to {@code out}.
   */
  private static Thread startCancellableReceive(
      Channel<Integer> channel, CancelableContext context, AtomicReference<String> out) {
    return start(
        () -> {
          try {
            out.set(describe(channel.receiveOrClosed(context.context())));
          } catch (ContextDoneException e) {
            out.set("cancelled");
          }
        });
  }

  /** Starts a select receiving from {@code a} or {@code b}: what it chose goes to {@code out}. */
  private static Thread startSelectReceive(
      Channel<Integer> a, Channel<Integer> b, AtomicReference<String> out) {
    return start(
        () ->
            out.set(
                Select.select(
                    a.onReceiveOrClosed(ChannelLincheckTest::describe),
                    b.onReceiveOrClosed(ChannelLincheckTest::describe))));
  }

  private static int receive(Channel<Integer> channel) {
    try {
      return channel.receive();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static String describe(Received<Integer> r) {
    return r instanceof Message<Integer> m ? "value " + m.value() : "closed";
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }

  private static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
