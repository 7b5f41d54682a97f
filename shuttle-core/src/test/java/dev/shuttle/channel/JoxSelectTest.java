package dev.shuttle.channel;

import static dev.shuttle.channel.Ports.forkCancelable;
import static dev.shuttle.channel.Ports.go;
import static dev.shuttle.channel.Ports.join;
import static dev.shuttle.channel.Ports.scaled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.testing.Waits;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Jox's select tests, ported to Shuttle: one nested class per Jox test class, each test method
 * named after Jox's.
 *
 * <p>Source: <a href="https://github.com/softwaremill/jox">softwaremill/jox</a> {@code
 * channels/src/test/java/com/softwaremill/jox/} at commit {@code
 * 8e4a66a47f4566505e794ea371f904d9fbae9176}: {@code SelectTest}, {@code SelectReceiveTest}, {@code
 * SelectSendTest}, {@code SelectWithinTest}. Jox's {@code receiveClause()} is {@link
 * Channel#onReceive}, {@code sendClause(v)} is {@link Channel#onSend}, {@code defaultClause} is
 * {@link Select#defaultCase}, {@code selectOrClosed} is a select of {@link
 * Channel#onReceiveOrClosed} cases; Jox's {@code selectWithin(timeout, ...)} is a select in a
 * context with that timeout (its {@link ContextDoneException} says {@code isTimeout()}), and {@code
 * selectOrClosedWithin(timeout, value, ...)} a select with a {@link Select#onDone} case for such a
 * context.
 *
 * <p>Not ported, because Shuttle differs on purpose:
 *
 * <ul>
 *   <li>Every test of Jox's bias towards the first ready clause: {@code
 *       SelectReceiveTest.testSelectBiasedTowardsFirst_buffered}, {@code
 *       testSelectBiasedTowardsFirst_whenDone_buffered}, {@code testSelectWhenDone}; {@code
 *       SelectSendTest.testSelectToFirst_buffered_immediate}, {@code
 *       testSelectBiasedTowardsToFirst_rendezvous_immediate}, {@code
 *       testSelectBiasedTowardsFirst_buffered}; {@code
 *       SelectWithinTest.testSelectWithin_shouldSelectFirstAvailableClauseBeforeTimeout}, {@code
 *       testSelectOrClosedWithin_shouldSelectFirstAvailableClauseBeforeTimeout}. Shuttle follows
 *       Go: among ready cases one is chosen uniformly at random ({@code
 *       GoChanTest.testSelectFairness}). Where a Jox test only uses the bias to know which value to
 *       expect ({@code SelectSendTest.testSelectToSecond_buffered_immediate}, {@code
 *       testSelectWithTransformation}), it is ported with either outcome accepted.
 *   <li>{@code SelectReceiveTest.testSelect_immediate_withError}: in Jox an errored channel wins
 *       over ready values; in Shuttle a channel closed with an error is one more ready case.
 *   <li>{@code SelectTest.testDefaultCanOnlyBeLast}: Go (and Shuttle) accept the default case in
 *       any position.
 *   <li>{@code SelectReceiveTest.testSelectFromNone}: Jox rejects an empty select; Go's {@code
 *       select {}} blocks forever, Shuttle's until its context is done ({@code
 *       GoChanProgramsTest.select3}).
 *   <li>{@code SelectTest.testSelectDefaultNull}, {@code
 *       SelectSendTest.testSelectSendWithDefaultNull}, {@code
 *       SelectWithinTest.testSelectOrClosedWithin_shouldHandleNullTimeoutValue}: Jox's {@code null}
 *       results; Shuttle's select returns what the chosen case's function returns and its values
 *       are never {@code null}.
 *   <li>{@code SelectWithinTest.*_shouldRejectNegativeTimeout} and {@code
 *       *_shouldRejectZeroTimeout} (four tests): Shuttle has no {@code selectWithin}; a context
 *       with a zero or negative timeout is simply done at once, as in Go.
 * </ul>
 *
 * <p>{@code SelectReceiveTest.testSelectFromNullableList} is ported with Shuttle's exception for a
 * {@code null} argument, {@link NullPointerException}, where Jox throws {@link
 * IllegalArgumentException}.
 */
class JoxSelectTest {

  @Nested
  @Timeout(10)
  class SelectTest {
    @Test
    void testSelectDefaultValue() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      // when
      String received =
          Select.select(
              ch1.onReceive(v -> v), ch2.onReceive(v -> v), Select.defaultCase(() -> "x"));
      // then
      assertThat(received).isEqualTo("x");
    }

    @Test
    void testSelectDefaultCallback() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      StringBuilder called = new StringBuilder();
      // when
      String received =
          Select.select(
              ch1.onReceive(v -> v),
              ch2.onReceive(v -> v),
              Select.defaultCase(
                  () -> {
                    called.append("default");
                    return "x";
                  }));
      // then
      assertThat(received).isEqualTo("x");
      assertThat(called).hasToString("default");
    }

    @Test
    void testDoNotSelectDefault() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      ch2.send("a");
      // when
      String received =
          Select.select(
              ch1.onReceive(v -> v), ch2.onReceive(v -> v), Select.defaultCase(() -> "x"));
      // then
      assertThat(received).isEqualTo("a");
    }

    @Test
    void testSelectObject() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<Integer> ch2 = Channel.buffered(1);
      ch1.send("x");
      // when
      Object received = Select.<Object>select(ch1.onReceive(v -> v), ch2.onReceive(v -> v));
      // then
      assertThat(received).isEqualTo("x");
    }
  }

  @Nested
  @Timeout(60)
  class SelectReceiveTest {
    @Test
    void testSelectFromFirst_buffered_immediate() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      ch1.send("v");
      // when
      String received = Select.select(ch1.onReceive(v -> v), ch2.onReceive(v -> v));
      // then
      assertThat(received).isEqualTo("v");
    }

    @Test
    void testSelectFromSecond_buffered_immediate() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      ch2.send("v");
      // when
      String received = Select.select(ch1.onReceive(v -> v), ch2.onReceive(v -> v));
      // then
      assertThat(received).isEqualTo("v");
    }

    @Test
    void testSelectFromFirst_buffered_suspend() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      // when
      CompletableFuture<String> f =
          TestThreads.async(() -> Select.select(ch1.onReceive(v -> v), ch2.onReceive(v -> v)));
      Waits.until(() -> ch1.waitingReceivers() == 1); // making sure the receive suspends
      ch1.send("v");
      // then
      assertThat(join(f)).isEqualTo("v");
    }

    @Test
    void testSelectFromReady_rendezvous_suspend() throws Exception {
      // given
      Channel<String> ch1 = Channel.rendezvous();
      Channel<String> ch2 = Channel.rendezvous();
      CompletableFuture<Void> sender =
          go(
              () -> {
                Waits.until(() -> ch2.waitingReceivers() == 1); // making sure receive suspends
                ch2.send("v");
              });
      // when
      String received = Select.select(ch1.onReceive(v -> v), ch2.onReceive(v -> v));
      // then
      assertThat(received).isEqualTo("v");
      join(sender);
    }

    @Test
    void testSelectFromReady_rendezvous_immediate() throws Exception {
      // given
      Channel<String> ch1 = Channel.rendezvous();
      Channel<String> ch2 = Channel.rendezvous();
      CompletableFuture<Void> sender = go(() -> ch2.send("v"));
      // when
      Waits.until(() -> ch2.waitingSenders() == 1); // making sure send is ready
      String received = Select.select(ch1.onReceive(v -> v), ch2.onReceive(v -> v));
      // then
      assertThat(received).isEqualTo("v");
      join(sender);
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 2, 10, 100, 1000})
    void testReceiveMany(int capacity) throws Exception {
      // given
      int channelsCount = 5;
      int msgsCount = scaled(2000, 10_000);
      List<Channel<String>> channels = new ArrayList<>();
      for (int i = 0; i < channelsCount; i++) {
        channels.add(Channel.buffered(capacity));
      }
      List<CompletableFuture<Void>> senders = new ArrayList<>();
      for (int i = 0; i < channelsCount; i++) {
        Channel<String> ch = channels.get(i);
        int finalI = i;
        senders.add(
            go(
                () -> {
                  for (int j = 0; j < msgsCount; j++) {
                    ch.send("ch" + finalI + "_" + j);
                  }
                }));
      }
      // when
      List<SelectCase<String>> cases = new ArrayList<>();
      for (Channel<String> ch : channels) {
        cases.add(ch.onReceive(v -> v));
      }
      Set<String> received = new HashSet<>();
      for (int i = 0; i < channelsCount * msgsCount; i++) {
        received.add(Select.select(Context.current(), cases));
      }
      // then
      Set<String> expectedReceived = new HashSet<>();
      for (int i = 0; i < channelsCount; i++) {
        for (int j = 0; j < msgsCount; j++) {
          expectedReceived.add("ch" + i + "_" + j);
        }
      }
      assertThat(received).isEqualTo(expectedReceived);
      Ports.joinAll(senders);
    }

    @Test
    void testSelectWithTransformation() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      ch1.send("v");
      // when
      String received = Select.select(ch1.onReceive(x -> x + x), ch2.onReceive(x -> x + x));
      // then
      assertThat(received).isEqualTo("vv");
    }

    @Test
    void testBufferExpandedWhenSelecting() throws Exception {
      // given
      Channel<String> ch = Channel.buffered(2);
      // when
      ch.send("v1");
      ch.send("v2");
      String r1 = Select.select(ch.onReceive(v -> v));
      String r2 = Select.select(ch.onReceive(v -> v));
      assertThat(ch.trySend("v3")).isTrue(); // none of the sends should block
      assertThat(ch.trySend("v4")).isTrue();
      String r3 = Select.select(ch.onReceive(v -> v));
      String r4 = Select.select(ch.onReceive(v -> v));
      // then
      assertThat(List.of(r1, r2, r3, r4)).containsExactly("v1", "v2", "v3", "v4");
    }

    @Test
    @SuppressWarnings("NullAway") // passes a null case on purpose
    void testSelectFromNullableList() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      ch1.send("v");
      List<SelectCase<String>> cases = new ArrayList<>();
      cases.add(ch1.onReceive(v -> v));
      cases.add(null);
      cases.add(ch2.onReceive(v -> v));
      // when, then
      assertThatThrownBy(() -> Select.select(Context.current(), cases))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("cases[1]");
    }
  }

  @Nested
  @Timeout(120)
  class SelectSendTest {
    @Test
    void testSelectToSecond_buffered_immediate() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      ch1.send("v0"); // filling in the buffer
      // when
      Select.select(ch1.onSend("v1", () -> 1), ch2.onSend("v2", () -> 2));
      // then (in either order: Shuttle does not favour the first case)
      Set<String> received = new HashSet<>();
      received.add(Select.select(ch1.onReceive(v -> v), ch2.onReceive(v -> v)));
      received.add(Select.select(ch1.onReceive(v -> v), ch2.onReceive(v -> v)));
      assertThat(received).isEqualTo(Set.of("v0", "v2"));
    }

    @Test
    void testSelect_rendezvous_suspend() throws Exception {
      // given
      Channel<String> ch1 = Channel.rendezvous();
      Channel<String> ch2 = Channel.rendezvous();
      // when
      CompletableFuture<String> f =
          TestThreads.async(
              () -> Select.select(ch1.onSend("v1", () -> "1"), ch2.onSend("v2", () -> "2")));
      Waits.until(() -> ch1.waitingSenders() == 1 && ch2.waitingSenders() == 1); // send suspends
      // then
      String received = Select.select(ch1.onReceive(v -> v), ch2.onReceive(v -> v));
      assertThat(received).isEqualTo(join(f).equals("1") ? "v1" : "v2");
      assertThat(ch1.waitingSenders() + ch2.waitingSenders()).isZero();
    }

    /** Jox's {@code selectOrClosed} returns {@code ChannelDone}; Shuttle's select throws. */
    @Test
    void testSelectWhenDone() {
      // given
      Channel<String> ch1 = Channel.rendezvous();
      Channel<String> ch2 = Channel.rendezvous();
      ch2.close();
      // when, then
      assertThatThrownBy(() -> Select.select(ch1.onSend("v1", () -> 1), ch2.onSend("v2", () -> 2)))
          .isInstanceOf(ChannelClosedException.class);
      assertThat(ch1.waitingSenders()).isZero();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 1, 2, 10, 100, 1000})
    void testSendMany(int capacity) throws Exception {
      // given
      int channelsCount = 5;
      int msgsCount = 1000;
      int repetitions = scaled(3, 100);
      for (int k = 0; k < repetitions; k++) {
        List<Channel<String>> channels = new ArrayList<>();
        for (int i = 0; i < channelsCount; i++) {
          channels.add(Channel.buffered(capacity));
        }
        Set<String> received = ConcurrentHashMap.newKeySet();
        CompletableFuture<Void> f =
            go(
                () -> {
                  List<SelectCase<String>> cases = new ArrayList<>();
                  for (Channel<String> ch : channels) {
                    cases.add(ch.onReceive(v -> v));
                  }
                  for (int i = 0; i < channelsCount * msgsCount; i++) {
                    String r = Select.select(Context.current(), cases);
                    if (!received.add(r)) {
                      throw new IllegalStateException("Duplicate: " + r);
                    }
                  }
                });
        // when
        for (int i = 0; i < channelsCount * msgsCount; i++) {
          List<SelectCase<Integer>> cases = new ArrayList<>();
          for (Channel<String> ch : channels) {
            cases.add(ch.onSend("v_" + i, () -> 0));
          }
          Select.select(Context.current(), cases);
        }
        // then
        join(f); // wait for receivers to finish
        Set<String> expectedReceived = new HashSet<>();
        for (int i = 0; i < channelsCount * msgsCount; i++) {
          expectedReceived.add("v_" + i);
        }
        assertThat(received).as("channels: %s", channels).isEqualTo(expectedReceived);
      }
    }

    @Test
    void testSelectWithTransformation() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      // when
      String sent = Select.select(ch1.onSend("v1", () -> "1"), ch2.onSend("v2", () -> "2"));
      // then (Jox always sends to the first; Shuttle to either, and says which)
      assertThat(sent).isIn("1", "2");
      assertThat(sent.equals("1") ? ch1.receive() : ch2.receive()).isEqualTo("v" + sent);
    }

    @Test
    void testBufferExpandedWhenSelecting() throws Exception {
      // given
      Channel<String> ch = Channel.buffered(2);
      // when
      Select.select(ch.onSend("v1", () -> 0));
      Select.select(ch.onSend("v2", () -> 0));
      String r1 = ch.receive();
      String r2 = ch.receive();
      Select.select(ch.onSend("v3", () -> 0), Select.defaultCase(() -> 1)); // must not block
      Select.select(ch.onSend("v4", () -> 0), Select.defaultCase(() -> 1));
      String r3 = ch.receive();
      String r4 = ch.receive();
      // then
      assertThat(List.of(r1, r2, r3, r4)).containsExactly("v1", "v2", "v3", "v4");
    }

    @Test
    void testSelectSendWithDefault() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      ch1.send("v1"); // the channel is now full
      // when
      String sent =
          Select.select(ch1.onSend("v2", () -> "sent"), Select.defaultCase(() -> "not sent"));
      // then
      assertThat(sent).isEqualTo("not sent");
      assertThat(ch1.receive()).isEqualTo("v1");
      // when - now there's space in the channel
      String sent2 =
          Select.select(ch1.onSend("v2", () -> "sent"), Select.defaultCase(() -> "not sent"));
      assertThat(sent2).isEqualTo("sent");
      assertThat(ch1.receive()).isEqualTo("v2");
    }
  }

  @Nested
  @Timeout(60)
  class SelectWithinTest {
    /** Jox's {@code selectWithin}: a select in a context that times out after {@code timeout}. */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, through an immutable List.of copy
    private static <R> R selectWithin(Duration timeout, SelectCase<? extends R>... cases)
        throws InterruptedException {
      try (CancelableContext within = Contexts.withTimeout(Context.current(), timeout)) {
        return Select.select(within.context(), List.of(cases));
      }
    }

    /** Jox's {@code selectOrClosedWithin}: a done case for a timeout context gives the value. */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, through an immutable List.of copy
    private static <R> R selectOrClosedWithin(
        Duration timeout, R timeoutValue, SelectCase<? extends R>... cases)
        throws InterruptedException {
      try (CancelableContext within = Contexts.withTimeout(Context.current(), timeout)) {
        List<SelectCase<? extends R>> all = new ArrayList<>(List.of(cases));
        all.add(Select.onDone(within.context(), () -> timeoutValue));
        return Select.select(Context.current(), all);
      }
    }

    private static void assertTimedOut(Throwable e) {
      assertThat(e).isInstanceOf(ContextDoneException.class);
      assertThat(((ContextDoneException) e).isTimeout()).isTrue();
    }

    @Test
    void testSelectWithin_shouldReturnValueWhenClauseCompletesBeforeTimeout() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      ch1.send("value");
      // when
      String result =
          selectWithin(Duration.ofMillis(100), ch1.onReceive(v -> v), ch2.onReceive(v -> v));
      // then
      assertThat(result).isEqualTo("value");
    }

    @Test
    void testSelectWithin_shouldThrowTimeoutExceptionWhenTimeoutElapses() {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      // when, then
      assertThatThrownBy(
              () ->
                  selectWithin(Duration.ofMillis(50), ch1.onReceive(v -> v), ch2.onReceive(v -> v)))
          .satisfies(JoxSelectTest.SelectWithinTest::assertTimedOut);
      assertThat(ch1.waitingReceivers() + ch2.waitingReceivers()).isZero();
    }

    @Test
    void testSelectWithin_shouldThrowChannelClosedExceptionWhenChannelIsClosed() {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      ch1.close();
      // when, then
      assertThatThrownBy(
              () ->
                  selectWithin(
                      Duration.ofMillis(100), ch1.onReceive(v -> v), ch2.onReceive(v -> v)))
          .isInstanceOf(ChannelClosedException.class);
    }

    @Test
    void testSelectWithin_shouldThrowChannelErrorExceptionWhenChannelHasError() {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      RuntimeException error = new RuntimeException("test error");
      ch1.close(error);
      // when, then
      assertThatThrownBy(
              () ->
                  selectWithin(
                      Duration.ofMillis(100), ch1.onReceive(v -> v), ch2.onReceive(v -> v)))
          .isInstanceOf(ChannelClosedException.class)
          .hasCause(error);
    }

    @Test
    void testSelectWithin_shouldWorkWithSendClauses() throws Exception {
      // given
      Channel<String> ch1 = Channel.rendezvous();
      Channel<String> ch2 = Channel.rendezvous();
      // a receiver that accepts the send once the select waits (Jox: after 30 ms)
      CompletableFuture<String> receiver =
          TestThreads.async(
              () -> {
                Waits.until(() -> ch1.waitingSenders() == 1);
                return ch1.receive();
              });
      // when
      String result =
          selectWithin(
              Ports.PATIENCE,
              ch1.onSend("sent_value", () -> "send_successful"),
              ch2.onSend("other_value", () -> "other_send"));
      // then
      assertThat(result).isEqualTo("send_successful");
      assertThat(join(receiver)).isEqualTo("sent_value");
    }

    @Test
    void testSelectWithin_shouldHandleInterruption() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      Ports.Fork<String> future =
          forkCancelable(
              () ->
                  selectWithin(
                      Duration.ofSeconds(10), ch1.onReceive(v -> v), ch2.onReceive(v -> v)));
      Waits.until(() -> ch1.waitingReceivers() == 1);
      // when
      Object result = future.cancel();
      // then
      assertThat(result).isInstanceOf(InterruptedException.class);
      assertThat(ch1.waitingReceivers() + ch2.waitingReceivers()).isZero();
    }

    @Test
    void testSelectOrClosedWithin_shouldReturnValueWhenClauseCompletesBeforeTimeout()
        throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      ch1.send("value");
      // when
      Object result =
          selectOrClosedWithin(
              Duration.ofMillis(100),
              (Object) "timeout",
              ch1.onReceiveOrClosed(JoxSelectTest::valueOrClosed),
              ch2.onReceiveOrClosed(JoxSelectTest::valueOrClosed));
      // then
      assertThat(result).isEqualTo("value");
    }

    @Test
    void testSelectOrClosedWithin_shouldReturnTimeoutValueWhenTimeoutElapses() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      // when
      Object result =
          selectOrClosedWithin(
              Duration.ofMillis(50),
              (Object) "TIMEOUT",
              ch1.onReceiveOrClosed(JoxSelectTest::valueOrClosed),
              ch2.onReceiveOrClosed(JoxSelectTest::valueOrClosed));
      // then
      assertThat(result).isEqualTo("TIMEOUT");
    }

    @Test
    void testSelectOrClosedWithin_shouldReturnChannelClosedWhenChannelIsDone() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      ch1.close();
      // when
      Object result =
          selectOrClosedWithin(
              Duration.ofMillis(100),
              (Object) "timeout",
              ch1.onReceiveOrClosed(JoxSelectTest::valueOrClosed),
              ch2.onReceiveOrClosed(JoxSelectTest::valueOrClosed));
      // then
      assertThat(result).isEqualTo(new Closed<String>(null));
    }

    @Test
    void testSelectOrClosedWithin_shouldReturnChannelErrorWhenChannelHasError() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      RuntimeException error = new RuntimeException("test error");
      ch1.close(error);
      // when
      Object result =
          selectOrClosedWithin(
              Duration.ofMillis(100),
              (Object) "timeout",
              ch1.onReceiveOrClosed(JoxSelectTest::valueOrClosed),
              ch2.onReceiveOrClosed(JoxSelectTest::valueOrClosed));
      // then
      assertThat(result).isEqualTo(new Closed<String>(error));
    }

    @Test
    void testSelectOrClosedWithin_shouldWorkWithTransformations() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      ch1.send("value");
      // when
      String result =
          selectOrClosedWithin(
              Duration.ofMillis(100),
              "timeout",
              ch1.onReceive(s -> s.toUpperCase(java.util.Locale.ROOT)),
              ch2.onReceive(s -> s.toLowerCase(java.util.Locale.ROOT)));
      // then
      assertThat(result).isEqualTo("VALUE");
    }

    @Test
    @Timeout(5)
    void testSelectWithin_shouldWorkWithRendezvousChannels() throws Exception {
      // given
      Channel<String> ch1 = Channel.rendezvous();
      Channel<String> ch2 = Channel.rendezvous();
      // a sender that provides a value once the select waits (Jox: after 30 ms)
      CompletableFuture<Void> sender =
          go(
              () -> {
                Waits.until(() -> ch2.waitingReceivers() == 1);
                ch2.send("rendezvous_value");
              });
      // when
      CompletableFuture<String> future =
          TestThreads.async(
              () ->
                  selectWithin(
                      Duration.ofSeconds(4), ch1.onReceive(v -> v), ch2.onReceive(v -> v)));
      // then
      assertThat(join(future)).isEqualTo("rendezvous_value");
      join(sender);
    }

    @Test
    @Timeout(5)
    void testSelectWithin_shouldTimeoutWithRendezvousChannels() {
      // given
      Channel<String> ch1 = Channel.rendezvous();
      Channel<String> ch2 = Channel.rendezvous();
      // when, then
      assertThatThrownBy(
              () ->
                  selectWithin(Duration.ofMillis(50), ch1.onReceive(v -> v), ch2.onReceive(v -> v)))
          .satisfies(JoxSelectTest.SelectWithinTest::assertTimedOut);
    }

    @Test
    void testSelectOrClosedWithin_shouldCleanupTimeoutThreadOnInterruption() throws Exception {
      // given
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      Ports.Fork<Object> future =
          forkCancelable(
              () ->
                  selectOrClosedWithin(
                      Duration.ofSeconds(10),
                      (Object) "timeout",
                      ch1.onReceiveOrClosed(JoxSelectTest::valueOrClosed),
                      ch2.onReceiveOrClosed(JoxSelectTest::valueOrClosed)));
      Waits.until(() -> ch1.waitingReceivers() == 1);
      // when
      Object result = future.cancel();
      // then the select ended, and left nothing waiting (Jox: its timeout thread; Shuttle: the
      // timeout context is closed and its waiters are gone)
      assertThat(result).isInstanceOf(InterruptedException.class);
      assertThat(ch1.waitingReceivers() + ch2.waitingReceivers()).isZero();
    }
  }

  /** Jox's {@code selectOrClosed} result: the value, or the closed marker. */
  private static Object valueOrClosed(Received<String> received) {
    return switch (received) {
      case Message<String> m -> m.value();
      case Closed<String> c -> c;
    };
  }
}
