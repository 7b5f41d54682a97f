package dev.shuttle.channel;

import static dev.shuttle.channel.TestThreads.async;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.testing.ForEachCapacity;
import dev.shuttle.testing.Waits;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChannelTest {

  @ForEachCapacity
  void deliversEveryValueInOrder(int capacity) throws Exception {
    // given
    Channel<Integer> channel = Channel.buffered(capacity);
    int count = 1_000;
    // when
    CompletableFuture<Void> producer =
        async(
            () -> {
              try (channel) {
                for (int i = 0; i < count; i++) {
                  channel.send(i);
                }
              }
              return null;
            });
    List<Integer> received = new ArrayList<>();
    for (int v : channel) {
      received.add(v);
    }
    // then
    producer.get();
    assertThat(received).containsExactlyElementsOf(IntStream.range(0, count).boxed().toList());
  }

  @ForEachCapacity
  void closeLetsReceiversDrainThenReportsClosed(int capacity) throws Exception {
    Channel<String> channel = Channel.buffered(capacity);
    for (int i = 0; i < capacity; i++) {
      channel.send("v" + i);
    }
    channel.close();

    assertThat(channel.isClosed()).isTrue();
    assertThat(channel.len()).isEqualTo(capacity);
    for (int i = 0; i < capacity; i++) {
      assertThat(channel.receive()).isEqualTo("v" + i);
    }
    assertThat(channel.isDrained()).isTrue();
    assertThat(channel.receiveOrClosed()).isEqualTo(new Closed<String>(null));
    assertThat(channel.tryReceive()).isEqualTo(new Closed<String>(null));
    assertThatThrownBy(channel::receive)
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("receive from closed channel");
  }

  @ForEachCapacity
  void closeReleasesBlockedSendersWithAnException(int capacity) throws Exception {
    Channel<Integer> channel = Channel.buffered(capacity);
    for (int i = 0; i < capacity; i++) {
      channel.send(i);
    }
    CompletableFuture<Object> blocked =
        async(
            () -> {
              channel.send(-1);
              return "sent";
            });
    Waits.until(() -> channel.waitingSenders() == 1);

    channel.close();

    assertThatThrownBy(blocked::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("send on closed channel");
    assertThat(channel.waitingSenders()).isZero();
    assertThat(channel.len()).isEqualTo(capacity); // buffered values stay for the receivers
  }

  @ForEachCapacity
  void closeReleasesBlockedReceivers(int capacity) throws Exception {
    Channel<Integer> channel = Channel.buffered(capacity);
    CompletableFuture<Received<Integer>> blocked = async(channel::receiveOrClosed);
    Waits.until(() -> channel.waitingReceivers() == 1);

    channel.close();

    assertThat(blocked.get(5, TimeUnit.SECONDS)).isInstanceOf(Closed.class);
    assertThat(channel.waitingReceivers()).isZero();
  }

  @Test
  void closeWithErrorReachesReceiversAfterTheBufferedValues() throws Exception {
    Channel<Integer> channel = Channel.buffered(2);
    channel.send(1);
    IllegalStateException failure = new IllegalStateException("upstream failed");
    channel.close(failure);

    assertThat(channel.receive()).isEqualTo(1);
    assertThat(channel.receiveOrClosed()).isEqualTo(new Closed<Integer>(failure));
    assertThatThrownBy(channel::receive)
        .isInstanceOf(ChannelClosedException.class)
        .hasCause(failure)
        .hasMessageContaining("upstream failed");
    assertThatThrownBy(() -> channel.iterator().hasNext()).hasCause(failure);
  }

  @Test
  void rejectsBadInput() throws Exception {
    Channel<String> channel = Channel.buffered(1);
    assertThatThrownBy(() -> Channel.buffered(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be 0 (rendezvous) or positive, but was -1");
    assertThatThrownBy(() -> Channel.builder().capacity(-5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Channel.buffered((1 << 30) + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be at most 1073741824, but was 1073741825");
    assertThatThrownBy(() -> Channel.builder().capacity(Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 1073741824");
    assertThatThrownBy(() -> channel.send(nullString()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value");
    assertThatThrownBy(() -> channel.trySend(nullString()))
        .isInstanceOf(NullPointerException.class);

    channel.close();

    assertThatThrownBy(() -> channel.send("x"))
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("send on closed channel");
    assertThatThrownBy(() -> channel.trySend("x")).isInstanceOf(ChannelClosedException.class);
    assertThat(channel.sendOrClosed("x")).isEqualTo(new Closed<String>(null));
    assertThatThrownBy(channel::close)
        .isInstanceOf(ChannelClosedException.class)
        .hasMessage("close of closed channel");
  }

  @SuppressWarnings({"NullAway", "DataFlowIssue"})
  private static String nullString() {
    return null;
  }

  @Test
  void trySendAndTryReceiveNeverBlock() throws Exception {
    Channel<Integer> rendezvous = Channel.rendezvous();
    assertThat(rendezvous.trySend(1)).isFalse(); // nobody receiving
    assertThat(rendezvous.tryReceive()).isNull(); // nobody sending

    CompletableFuture<Integer> receiver = async(rendezvous::receive);
    Waits.until(() -> rendezvous.waitingReceivers() == 1);
    assertThat(rendezvous.trySend(7)).isTrue();
    assertThat(receiver.get()).isEqualTo(7);

    Channel<Integer> buffered = Channel.buffered(1);
    assertThat(buffered.trySend(1)).isTrue();
    assertThat(buffered.trySend(2)).isFalse();
    assertThat(buffered.tryReceive())
        .isInstanceOfSatisfying(Message.class, m -> assertThat(m.value()).isEqualTo(1));
    assertThat(buffered.tryReceive()).isNull();
  }

  @Test
  void reportsLenCapAndBlockedThreads() throws Exception {
    Channel<Integer> channel = Channel.builder().capacity(2).name("jobs").build();
    assertThat(channel.cap()).isEqualTo(2);
    assertThat(channel.name()).isEqualTo("jobs");
    channel.send(1);
    assertThat(channel.len()).isEqualTo(1);
    channel.send(2);
    CompletableFuture<Void> s1 = async(() -> sendAndReturn(channel, 3));
    CompletableFuture<Void> s2 = async(() -> sendAndReturn(channel, 4));
    Waits.until(() -> channel.waitingSenders() == 2);
    assertThat(channel.toString())
        .isEqualTo("Channel{name=jobs, len=2, cap=2, waitingSenders=2, waitingReceivers=0}");

    assertThat(channel.receive()).isEqualTo(1); // a blocked sender moves into the freed slot
    assertThat(channel.len()).isEqualTo(2);
    assertThat(List.of(channel.receive(), channel.receive(), channel.receive()))
        .containsExactlyInAnyOrder(2, 3, 4);
    s1.get();
    s2.get();
    assertThat(channel.waitingSenders()).isZero();
    assertThat(channel.len()).isZero();
  }

  private static Void sendAndReturn(Channel<Integer> channel, int value)
      throws InterruptedException {
    channel.send(value);
    return null;
  }

  @ForEachCapacity
  void cancellingTheContextReleasesABlockedReceiver(int capacity) throws Exception {
    Channel<Integer> channel = Channel.buffered(capacity);
    CancelableContext context = Contexts.withCancel(Context.root());
    CompletableFuture<Integer> receiver = async(() -> channel.receive(context.context()));
    Waits.until(() -> channel.waitingReceivers() == 1);

    context.cancel(new IllegalStateException("shutting down"));

    // nothing is ever sent: only the cancel can release it (the limit only guards a hang)
    assertThatThrownBy(() -> receiver.get(Waits.LIMIT.toSeconds(), TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(ContextDoneException.class)
        .hasRootCauseMessage("shutting down");
    assertThat(channel.waitingReceivers()).isZero();
    assertThat(channel.trySend(1)).isEqualTo(capacity > 0); // nobody is left to take it
  }

  @Test
  void aTimeoutReleasesABlockedSender() throws Exception {
    Channel<Integer> channel = Channel.rendezvous();
    try (CancelableContext timeout = Contexts.withTimeout(Context.root(), Duration.ofMillis(20))) {
      assertThatThrownBy(() -> channel.send(timeout.context(), 1))
          .isInstanceOfSatisfying(
              ContextDoneException.class, e -> assertThat(e.isTimeout()).isTrue());
    }
    assertThat(channel.waitingSenders()).isZero();
  }

  @Test
  void aDoneContextFailsEvenAReadyOperation() throws Exception {
    Channel<Integer> channel = Channel.buffered(1);
    CancelableContext context = Contexts.withCancel(Context.root());
    context.cancel();
    assertThatThrownBy(() -> channel.send(context.context(), 1))
        .isInstanceOf(ContextDoneException.class);
    assertThat(channel.len()).isZero();
  }

  @Test
  void interruptReleasesBlockedOperationsAndClearsTheFlag() throws Exception {
    Channel<Integer> channel = Channel.rendezvous();
    CompletableFuture<Thread> started = new CompletableFuture<>();
    CompletableFuture<String> outcome = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              started.complete(Thread.currentThread());
              try {
                channel.receive();
                outcome.complete("received");
              } catch (InterruptedException e) {
                outcome.complete("interrupted, flag " + Thread.currentThread().isInterrupted());
              }
            });
    Thread receiver = started.get();
    Waits.until(() -> channel.waitingReceivers() == 1);

    receiver.interrupt();

    assertThat(outcome.get()).isEqualTo("interrupted, flag false");
    assertThat(channel.waitingReceivers()).isZero();

    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> channel.send(1)).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
  }

  @Test
  void iterationStopsOnInterruptWithTheFlagSet() throws Exception {
    Channel<Integer> channel = Channel.rendezvous();
    CompletableFuture<String> outcome = new CompletableFuture<>();
    Thread consumer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    for (int ignored : channel) {
                      outcome.complete("value");
                    }
                    outcome.complete("ended");
                  } catch (CancellationException e) {
                    outcome.complete("cancelled, flag " + Thread.currentThread().isInterrupted());
                  }
                });
    Waits.until(() -> channel.waitingReceivers() == 1);
    consumer.interrupt();
    assertThat(outcome.get()).isEqualTo("cancelled, flag true");
  }

  @Test
  void streamsValuesUntilClosed() throws Exception {
    Channel<Integer> channel = Channel.buffered(3);
    channel.send(1);
    channel.send(2);
    channel.send(3);
    channel.close();
    assertThat(channel.stream().mapToInt(Integer::intValue).sum()).isEqualTo(6);
  }
}
