package dev.shuttle.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.testing.Waits;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Receive-only and send-only views of a channel, and a receiver's {@code cancel}. */
class ChannelViewsTest {

  @Test
  void aReceiveOnlyViewReceivesButCannotBeCastBackToSend() throws Exception {
    Channel<String> channel = Channel.buffered(2);
    ReceiveChannel<String> view = channel.receiveOnly();
    channel.send("a");

    assertThat(view).isNotInstanceOf(SendChannel.class).isNotInstanceOf(Channel.class);
    assertThat(view.receive()).isEqualTo("a");
    assertThat(view.cap()).isEqualTo(2);
    assertThat(view.toString()).startsWith("receive-only Channel{");
  }

  @Test
  void aSendOnlyViewSendsButCannotBeCastBackToReceive() throws Exception {
    Channel<String> channel = Channel.buffered(2);
    SendChannel<String> view = channel.sendOnly();

    view.send("a");
    view.close();

    assertThat(view).isNotInstanceOf(ReceiveChannel.class).isNotInstanceOf(Channel.class);
    assertThat(channel.stream().toList()).containsExactly("a");
    assertThat(view.isClosed()).isTrue();
  }

  @Test
  void timersHandOutReceiveOnlyChannels() throws Exception {
    ReceiveChannel<Instant> after = Timers.after(Duration.ZERO);
    try (Ticker ticker = Timers.ticker(Duration.ofHours(1))) {
      assertThat(after).isNotInstanceOf(SendChannel.class);
      assertThat(ticker.channel()).isNotInstanceOf(SendChannel.class);
      assertThat(Timers.timer(Duration.ofHours(1)).channel()).isNotInstanceOf(SendChannel.class);
    }
    assertThat(after.receive()).isNotNull();
  }

  @Test
  void aReceiverCancelsOnceAndLeavesTheBufferedValuesToDrain() throws Exception {
    Channel<String> channel = Channel.buffered(2);
    ReceiveChannel<String> consumer = channel.receiveOnly();
    channel.send("a");

    assertThat(consumer.cancel()).isTrue();
    assertThat(consumer.cancel()).isFalse(); // not an error, unlike a second close

    assertThat(channel.sendOrClosed("b")).isEqualTo(new Closed<String>(null));
    assertThat(consumer.receiveOrClosed()).isInstanceOf(Message.class);
    assertThat(consumer.receiveOrClosed()).isEqualTo(new Closed<String>(null));
  }

  @Test
  void cancelAfterTheProducerClosedKeepsTheProducersError() {
    Channel<String> channel = Channel.buffered(1);
    IllegalStateException failure = new IllegalStateException("producer failed");
    channel.close(failure);

    assertThat(channel.receiveOnly().cancel()).isFalse();
    assertThat(channel.tryReceive()).isEqualTo(new Closed<String>(failure));
  }

  @Test
  void cancelReleasesABlockedProducerWithClosed() throws Exception {
    Channel<Integer> channel = Channel.rendezvous();
    CompletableFuture<SendResult> producer = TestThreads.async(() -> channel.sendOrClosed(1));
    Waits.until(() -> channel.waitingSenders() == 1);

    channel.receiveOnly().cancel();

    assertThat(producer.get(10, TimeUnit.SECONDS)).isEqualTo(new Closed<Integer>(null));
  }

  // ------------------------------------------------------------ sendOrClosed

  @Test
  void sendOrClosedSendsOnAnOpenChannel() throws Exception {
    Channel<String> channel = Channel.buffered(1);

    assertThat(channel.sendOrClosed("a")).isEqualTo(SendStatus.SENT);
    assertThat(channel.receive()).isEqualTo("a");
    assertThat(channel.sendOnly().sendOrClosed(Context.root(), "b").isSent()).isTrue();
    assertThat(channel.receive()).isEqualTo("b");
  }

  @Test
  void sendOrClosedReportsAClosedChannelWithItsError() throws Exception {
    Channel<String> plain = Channel.buffered(1);
    plain.close();
    Channel<String> failed = Channel.buffered(1);
    RuntimeException boom = new RuntimeException("boom");
    failed.close(boom);

    assertThat(plain.sendOrClosed("x")).isEqualTo(new Closed<String>(null));
    assertThat(failed.sendOrClosed(Context.root(), "x")).isEqualTo(new Closed<String>(boom));
    assertThat(((Closed<?>) failed.sendOrClosed("x")).toSendException())
        .hasMessage("send on closed channel: java.lang.RuntimeException: boom")
        .hasCause(boom);
  }

  @Test
  void trySendOrClosedTellsSentFullAndClosedApart() throws Exception {
    Channel<String> channel = Channel.rendezvous();
    assertThat(channel.trySendOrClosed("x")).isEqualTo(SendStatus.FULL);

    CompletableFuture<String> receiver = TestThreads.async(channel::receive);
    Waits.until(() -> channel.waitingReceivers() == 1);
    assertThat(channel.trySendOrClosed("x")).isEqualTo(SendStatus.SENT);
    assertThat(receiver.get(10, TimeUnit.SECONDS)).isEqualTo("x");

    channel.close();
    assertThat(channel.trySendOrClosed("x")).isEqualTo(new Closed<String>(null));
    assertThat(channel.trySendOrClosed("x").isSent()).isFalse();
  }

  // ------------------------------------------------------------------ select

  @Test
  void aSendOrClosedCaseReportsAClosedChannelInsteadOfThrowing() throws Exception {
    Channel<String> channel = Channel.buffered(1);
    RuntimeException boom = new RuntimeException("boom");
    channel.close(boom);

    SendResult result = Select.select(channel.sendOnly().onSendOrClosed("x", r -> r));

    assertThat(result).isEqualTo(new Closed<String>(boom));
    assertThatThrownBy(() -> Select.select(channel.onSend("x", () -> "sent")))
        .isInstanceOf(ChannelClosedException.class)
        .hasMessageStartingWith("send on closed channel")
        .hasCause(boom);
  }

  @Test
  void aSendOrClosedCaseSendsOnAnOpenChannel() throws Exception {
    Channel<String> channel = Channel.buffered(1);

    SendResult result = Select.select(channel.onSendOrClosed("x", r -> r));

    assertThat(result).isEqualTo(SendStatus.SENT);
    assertThat(channel.receive()).isEqualTo("x");
  }

  @Test
  void aBlockedSendOrClosedCaseWakesWithClosedWhenTheReceiverCancels() throws Exception {
    Channel<String> channel = Channel.rendezvous();
    Channel<String> never = Channel.rendezvous();
    CompletableFuture<SendResult> selecting =
        TestThreads.async(
            () ->
                Select.select(
                    channel.onSendOrClosed("x", r -> r), never.onReceive(v -> SendStatus.FULL)));
    Waits.until(() -> channel.waitingSenders() == 1);

    channel.receiveOnly().cancel();

    assertThat(selecting.get(10, TimeUnit.SECONDS)).isEqualTo(new Closed<String>(null));
    assertThat(never.waitingReceivers()).isZero();
  }

  @Test
  void aReceiveCaseOfAViewSelectsOnTheChannelItself() throws Exception {
    Channel<String> channel = Channel.buffered(1);
    ReceiveChannel<String> view = channel.receiveOnly();
    channel.send("a");

    String got =
        Select.select(
            view.onReceive(v -> v),
            view.onReceiveOrClosed(r -> r instanceof Message<String> m ? m.value() : "closed"));

    assertThat(got).isEqualTo("a");
    assertThat(channel.len()).isZero(); // exactly one case consumed the value
  }
}
