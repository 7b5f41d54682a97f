package dev.shuttle.channel;

import static dev.shuttle.channel.TestThreads.async;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.testing.ForEachCapacity;
import dev.shuttle.testing.Waits;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SelectTest {

  @Test
  void choosesUniformlyAmongReadyCases() throws Exception {
    // given two channels that are always ready
    Channel<Integer> a = Channel.buffered(1);
    Channel<Integer> b = Channel.buffered(1);
    a.send(0);
    b.send(0);
    SelectCase<Channel<Integer>> fromA = a.onReceive(v -> a);
    SelectCase<Channel<Integer>> fromB = b.onReceive(v -> b);
    int selects = 100_000;
    int chosenA = 0;
    // when
    for (int i = 0; i < selects; i++) {
      Channel<Integer> chosen = Select.select(fromA, fromB);
      if (chosen == a) {
        chosenA++;
      }
      chosen.send(0); // ready again
    }
    // then: Go's rule, not "first ready wins"
    assertThat(chosenA / (double) selects).isCloseTo(0.5, within(0.02));
  }

  @Test
  void choosesUniformlyAmongThreeReadyCases() throws Exception {
    List<Channel<Integer>> channels =
        List.of(Channel.buffered(1), Channel.buffered(1), Channel.buffered(1));
    List<SelectCase<Integer>> cases = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      channels.get(i).send(0);
      int index = i;
      cases.add(channels.get(i).onReceive(v -> index));
    }
    int[] counts = new int[3];
    int selects = 60_000;
    for (int i = 0; i < selects; i++) {
      int chosen = Select.select(Context.root(), cases);
      counts[chosen]++;
      channels.get(chosen).send(0);
    }
    for (int count : counts) {
      assertThat(count / (double) selects).isCloseTo(1 / 3.0, within(0.02));
    }
  }

  @Test
  void takesTheDefaultOnlyWhenNothingIsReady() throws Exception {
    Channel<String> channel = Channel.buffered(1);
    SelectCase<String> receive = channel.onReceive(v -> "got " + v);
    SelectCase<String> otherwise = Select.defaultCase(() -> "nothing");

    assertThat(Select.select(receive, otherwise)).isEqualTo("nothing");
    channel.send("x");
    assertThat(Select.select(receive, otherwise)).isEqualTo("got x");
  }

  @Test
  void neverChoosesADisabledCase() throws Exception {
    Channel<String> ready = Channel.buffered(1);
    ready.send("x");
    assertThat(
            Select.select(
                ready.onReceive(v -> "disabled").onlyIf(false),
                Select.defaultCase(() -> "default")))
        .isEqualTo("default");
    assertThat(Select.<String>disabled().isEnabled()).isFalse();
  }

  @Test
  void aClosedChannelsReceiveCaseIsReadyAndReportsClosed() throws Exception {
    Channel<String> open = Channel.rendezvous();
    Channel<String> closed = Channel.rendezvous();
    closed.close();

    String outcome =
        Select.select(
            open.onReceive(v -> "value"),
            closed.onReceiveOrClosed(r -> r instanceof Closed<String> ? "closed" : "value"));

    assertThat(outcome).isEqualTo("closed");
    assertThatThrownBy(() -> Select.select(open.onReceive(v -> v), closed.onReceive(v -> v)))
        .isInstanceOf(ChannelClosedException.class);
  }

  @Test
  void aSendCaseOnAClosedChannelThrows() {
    Channel<String> channel = Channel.buffered(1);
    channel.close();
    assertThatThrownBy(() -> Select.select(channel.onSend("x", () -> "sent")))
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("send on closed channel");
  }

  @Test
  void rejectsTwoDefaults() {
    assertThatThrownBy(
            () -> Select.select(Select.defaultCase(() -> 1), Select.defaultCase(() -> 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most one default case");
  }

  @ForEachCapacity
  void aBlockedSelectIsWokenByASenderAndLeavesNoNodeBehind(int capacity) throws Exception {
    Channel<Integer> a = Channel.buffered(capacity);
    Channel<Integer> b = Channel.buffered(capacity);
    CompletableFuture<String> selector =
        async(() -> Select.select(a.onReceive(v -> "a" + v), b.onReceive(v -> "b" + v)));
    Waits.until(() -> a.waitingReceivers() == 1 && b.waitingReceivers() == 1);

    b.send(7);

    assertThat(selector.get(5, TimeUnit.SECONDS)).isEqualTo("b7");
    assertThat(a.waitingReceivers()).isZero();
    assertThat(b.waitingReceivers()).isZero();
  }

  @Test
  void aBlockedSendCaseCompletesWhenAReceiverArrives() throws Exception {
    Channel<String> out = Channel.rendezvous();
    Channel<String> in = Channel.rendezvous();
    CompletableFuture<String> selector =
        async(() -> Select.select(out.onSend("hello", () -> "sent"), in.onReceive(v -> v)));
    Waits.until(() -> out.waitingSenders() == 1);

    assertThat(out.receive()).isEqualTo("hello");
    assertThat(selector.get()).isEqualTo("sent");
    assertThat(in.waitingReceivers()).isZero();
  }

  @Test
  void aSelectDoesNotMatchItsOwnSendAndReceive() throws Exception {
    Channel<String> channel = Channel.rendezvous();
    String outcome =
        Select.select(
            channel.onSend("x", () -> "sent"),
            channel.onReceive(v -> "received"),
            Timers.after(Duration.ofMillis(20)).onReceive(t -> "timeout"));
    assertThat(outcome).isEqualTo("timeout");
    assertThat(channel.waitingSenders() + channel.waitingReceivers()).isZero();
  }

  @Test
  void aDoneCaseIsChosenWhenItsContextIsCancelled() throws Exception {
    Channel<String> channel = Channel.rendezvous();
    CancelableContext request = Contexts.withCancel(Context.root());
    CompletableFuture<String> selector =
        async(
            () ->
                Select.select(
                    channel.onReceive(v -> v),
                    Select.onDone(
                        request.context(), () -> "cancelled: " + request.cancellation().err())));
    Waits.until(() -> channel.waitingReceivers() == 1);

    request.cancel();

    assertThat(selector.get(1, TimeUnit.SECONDS)).isEqualTo("cancelled: CANCELED");
    assertThat(channel.waitingReceivers()).isZero();
  }

  @Test
  void aDoneCaseForTheSelectsOwnContextIsChosenRatherThanThrowing() throws Exception {
    Channel<String> channel = Channel.buffered(1);
    CancelableContext request = Contexts.withCancel(Context.root());
    request.cancel();
    try (var ignored = request.context().makeCurrent()) {
      String outcome =
          Select.select(
              channel.onReceive(v -> v), Select.onDone(request.context(), () -> "cancelled"));
      assertThat(outcome).isEqualTo("cancelled");
      assertThatThrownBy(() -> Select.select(channel.onReceive(v -> v)))
          .isInstanceOf(ContextDoneException.class);
    }
  }

  /**
   * Regression (defect: a select blocked in a child context threw {@link ContextDoneException} when
   * its parent was cancelled, although an explicit done case for the parent was ready: the child's
   * own cancellation claimed the waiter first).
   */
  @RepeatedTest(20)
  void aBlockedSelectInAChildContextChoosesItsAncestorsDoneCase() throws Exception {
    // given a select blocked in a child context, with a done case for the parent
    Channel<String> channel = Channel.rendezvous();
    CancelableContext parent = Contexts.withCancel(Context.root());
    CancelableContext child = Contexts.withCancel(parent.context());
    CompletableFuture<String> selector =
        async(
            () -> {
              try (var ignored = child.makeCurrent()) {
                return Select.select(
                    channel.onReceive(v -> v),
                    Select.onDone(parent.context(), () -> "parent done"));
              }
            });
    Waits.until(() -> channel.waitingReceivers() == 1);

    // when
    parent.cancel();

    // then the explicit done case wins over the implicit "context done" exception
    assertThat(selector.get(5, TimeUnit.SECONDS)).isEqualTo("parent done");
    assertThat(channel.waitingReceivers()).isZero();
  }

  @Test
  void aSelectStartedInADoneChildContextChoosesItsAncestorsDoneCase() throws Exception {
    Channel<String> channel = Channel.buffered(1);
    CancelableContext parent = Contexts.withCancel(Context.root());
    CancelableContext child = Contexts.withCancel(parent.context());
    parent.cancel();
    try (var ignored = child.makeCurrent()) {
      assertThat(
              Select.select(
                  channel.onReceive(v -> v), Select.onDone(parent.context(), () -> "parent done")))
          .isEqualTo("parent done");
    }
  }

  @Test
  void aBlockedSelectWhoseContextIsDoneChoosesUniformlyAmongItsReadyDoneCases() throws Exception {
    // given selects blocked in a child context, with done cases for the child and for the parent
    int selects = 400;
    int parentChosen = 0;
    for (int i = 0; i < selects; i++) {
      Channel<String> channel = Channel.rendezvous();
      CancelableContext parent = Contexts.withCancel(Context.root());
      CancelableContext child = Contexts.withCancel(parent.context());
      CompletableFuture<String> selector =
          async(
              () ->
                  Select.select(
                      child.context(),
                      channel.onReceive(v -> v),
                      Select.onDone(child.context(), () -> "child"),
                      Select.onDone(parent.context(), () -> "parent")));
      Waits.until(() -> channel.waitingReceivers() == 1);

      // when both become done at once
      parent.cancel();

      if (selector.get(5, TimeUnit.SECONDS).equals("parent")) {
        parentChosen++;
      }
    }
    // then neither done case always wins (a fair coin lands outside 25%..75% with p < 1e-20)
    assertThat(parentChosen).isBetween(selects / 4, selects * 3 / 4);
  }

  @Test
  void theSelectsOwnContextEndsTheWaitWithAnException() throws Exception {
    Channel<String> channel = Channel.rendezvous();
    CancelableContext context = Contexts.withCancel(Context.root());
    CompletableFuture<String> selector =
        async(() -> Select.select(context.context(), channel.onReceive(v -> v)));
    Waits.until(() -> channel.waitingReceivers() == 1);

    context.cancel();

    assertThatThrownBy(() -> selector.get(1, TimeUnit.SECONDS))
        .cause() // CompletableFuture wraps a CancellationException such as ContextDoneException
        .isInstanceOf(ContextDoneException.class);
    assertThat(channel.waitingReceivers()).isZero();
  }

  @Test
  void aSelectWithNoEnabledCaseWaitsForItsContext() throws Exception {
    try (CancelableContext timeout = Contexts.withTimeout(Context.root(), Duration.ofMillis(20))) {
      assertThatThrownBy(() -> Select.select(timeout.context(), Select.disabled()))
          .isInstanceOf(ContextDoneException.class);
    }
  }

  @Test
  void aSelectLoopWithATimeoutLeavesNoNodesOnAQuietChannel() throws Exception {
    Channel<String> quiet = Channel.rendezvous();
    SelectCase<String> receive = quiet.onReceive(v -> v);
    for (int i = 0; i < 200; i++) {
      try (CancelableContext tick =
          Contexts.withTimeout(Context.root(), Duration.ofNanos(50_000))) {
        assertThat(Select.select(receive, Select.onDone(tick.context(), () -> "tick")))
            .isEqualTo("tick");
      }
    }
    assertThat(quiet.waitingReceivers()).isZero();
  }

  @Test
  void aTimerCaseFires() throws Exception {
    Channel<String> never = Channel.rendezvous();
    long start = System.nanoTime();
    String outcome =
        Select.select(
            never.onReceive(v -> v), Timers.after(Duration.ofMillis(30)).onReceive(t -> "timeout"));
    assertThat(outcome).isEqualTo("timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(29));
  }

  @Test
  void receiveAllDrainsEveryChannelAndEndsWhenAllAreClosed() throws Exception {
    List<Channel<Integer>> inputs = new ArrayList<>();
    List<CompletableFuture<Void>> producers = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      Channel<Integer> input = Channel.buffered(p); // includes a rendezvous channel
      inputs.add(input);
      int base = p * 1000;
      int count = (p + 1) * 50; // they close at different times
      producers.add(
          async(
              () -> {
                try (input) {
                  for (int i = 0; i < count; i++) {
                    input.send(base + i);
                  }
                }
                return null;
              }));
    }
    List<Integer> received = new ArrayList<>();

    Select.receiveAll(Context.root(), inputs, m -> received.add(m.value()));

    for (CompletableFuture<Void> producer : producers) {
      producer.get();
    }
    assertThat(received).hasSize(50 + 100 + 150 + 200).doesNotHaveDuplicates();
  }

  @Test
  void receiveAllReportsAChannelClosedWithAnError() {
    Channel<Integer> ok = Channel.buffered(1);
    Channel<Integer> failed = Channel.buffered(1);
    ok.close();
    failed.close(new IllegalStateException("boom"));
    assertThatThrownBy(() -> Select.receiveAll(Context.root(), List.of(ok, failed), m -> {}))
        .isInstanceOf(ChannelClosedException.class)
        .hasRootCauseMessage("boom");
  }
}
