package dev.shuttle.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.Go;
import dev.shuttle.Goroutine;
import dev.shuttle.channel.ChannelClosedException;
import dev.shuttle.channel.Closed;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.Select;
import dev.shuttle.channel.SpanRelation;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.ChannelAttributes;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@link NatsChannel} on a real nats-server behaves as a buffered channel across connections
 * (each connection stands for a process): FIFO values, back-pressure, close seen by all, one
 * receipt per value, and the sender's trace and deadline on the other side.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NatsChannelTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static NatsServer server;
  private static Connection producer;
  private static Connection consumer;

  @RegisterExtension final TestTelemetry telemetry = new TestTelemetry();

  private final List<NatsChannel<?>> opened = new ArrayList<>();

  record Order(String id, int quantity) {}

  @BeforeAll
  static void startServer() throws Exception {
    server = NatsServer.start();
    producer = Nats.connect(server.url());
    consumer = Nats.connect(server.url());
  }

  @AfterAll
  static void stopServer() throws Exception {
    try {
      producer.close();
      consumer.close();
    } finally {
      server.close();
    }
  }

  @AfterEach
  void detach() throws InterruptedException {
    for (NatsChannel<?> channel : opened) {
      channel.detach();
    }
  }

  @Test
  void valuesArriveInOrderOnAnotherConnection() throws Exception {
    String name = freshName();
    NatsChannel<Order> out = open(producer, name, 16);
    NatsChannel<Order> in = open(consumer, name, 16);

    for (int i = 0; i < 5; i++) {
      out.send(new Order("o-" + i, i));
    }

    for (int i = 0; i < 5; i++) {
      assertThat(in.receive()).isEqualTo(new Order("o-" + i, i));
    }
    awaitLen(out, 0); // acknowledgements are asynchronous
  }

  @Test
  void valuesPulledAheadFitInHalfTheAckWait() {
    assertThat(ChannelFetcher.pullAhead(Duration.ofSeconds(1))).isEqualTo(2);
    assertThat(ChannelFetcher.pullAhead(Duration.ofSeconds(10))).isEqualTo(25);
    assertThat(ChannelFetcher.pullAhead(Duration.ofSeconds(30))).isEqualTo(64);
  }

  @Test
  void theReceiveSpanLinksToTheSendSpanAndTheMessageCarriesTheSendersContext() throws Exception {
    String name = freshName();
    NatsChannel<Order> out = open(producer, name, 16);
    NatsChannel<Order> in = open(consumer, name, 16);
    Span request = ShuttleTelemetry.tracer().spanBuilder("request").startSpan();

    out.send(Context.root().with(request), new Order("o-1", 1));
    Message<Order> message = in.receiveMessage(Context.root());
    request.end();

    SpanData send = awaitSpan("send shuttle.chan." + name);
    SpanData receive = awaitSpan("receive shuttle.chan." + name);
    assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(send.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(send.getAttributes().get(ChannelAttributes.MESSAGING_SYSTEM)).isEqualTo("nats");
    assertThat(send.getAttributes().get(ChannelAttributes.MESSAGING_OPERATION_NAME))
        .isEqualTo("send");
    assertThat(send.getAttributes().get(ChannelAttributes.MESSAGING_MESSAGE_ID)).isNotBlank();
    assertThat(receive.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(receive.getTraceId()).isNotEqualTo(send.getTraceId());
    assertThat(receive.getLinks()).hasSize(1);
    assertThat(receive.getLinks().get(0).getSpanContext().getSpanId()).isEqualTo(send.getSpanId());
    assertThat(receive.getAttributes().get(ChannelAttributes.MESSAGING_MESSAGE_ID))
        .isEqualTo(send.getAttributes().get(ChannelAttributes.MESSAGING_MESSAGE_ID));
    assertThat(Span.fromContext(message.context()).getSpanContext().getSpanId())
        .isEqualTo(send.getSpanId());
  }

  @Test
  void withParentTheReceiveSpanIsTheSendSpansChild() throws Exception {
    String name = freshName();
    NatsChannel<Order> out = open(producer, name, 16);
    NatsChannel<Order> in =
        track(
            NatsChannel.builder(consumer, name, Codec.json(Order.class))
                .capacity(16)
                .spanRelation(SpanRelation.PARENT)
                .build());

    out.send(Context.root(), new Order("o-1", 1));
    in.receive(Context.root());

    SpanData send = awaitSpan("send shuttle.chan." + name);
    SpanData receive = awaitSpan("receive shuttle.chan." + name);
    assertThat(receive.getTraceId()).isEqualTo(send.getTraceId());
    assertThat(receive.getParentSpanId()).isEqualTo(send.getSpanId());
  }

  @Test
  void theSendersDeadlineArrivesWithTheValue() throws Exception {
    String name = freshName();
    NatsChannel<Order> out = open(producer, name, 16);
    NatsChannel<Order> in = open(consumer, name, 16);
    Instant deadline = Instant.now().plusSeconds(30);

    try (CancelableContext timed = Contexts.withDeadline(Context.root(), deadline)) {
      out.send(timed.context(), new Order("o-1", 1));
    }
    Message<Order> message = in.receiveMessage(Context.root());

    assertThat(Contexts.deadline(message.context())).contains(deadline);
  }

  @Test
  void aFullStreamBlocksSendUntilAReceiverTakesAValue() throws Exception {
    String name = freshName();
    NatsChannel<Order> out = open(producer, name, 2);
    NatsChannel<Order> in = open(consumer, name, 2);
    out.send(new Order("o-1", 1));
    out.send(new Order("o-2", 2));

    Goroutine<Void> third =
        Go.start(
            () -> {
              out.send(new Order("o-3", 3));
              return null;
            });
    assertThatThrownBy(() -> third.join(Duration.ofMillis(300)))
        .isInstanceOf(TimeoutException.class);
    assertThat(out.len()).isEqualTo(2);

    assertThat(in.receive()).isEqualTo(new Order("o-1", 1));
    third.join();
    assertThat(in.receive()).isEqualTo(new Order("o-2", 2));
    assertThat(in.receive()).isEqualTo(new Order("o-3", 3));
  }

  @Test
  void aCancelledContextEndsASendWaitingOnAFullStreamAndStoresNothing() throws Exception {
    String name = freshName();
    NatsChannel<Order> out = open(producer, name, 1);
    out.send(new Order("o-1", 1));

    try (CancelableContext waiting = Contexts.withTimeout(Context.root(), Duration.ofMillis(200))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> out.send(waiting.context(), new Order("o-2", 2)))
          .isInstanceOf(ContextDoneException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
    assertThat(out.len()).isEqualTo(1);
    assertThat(
            awaitSpan("send shuttle.chan." + name, span -> span.getStatus().getStatusCode().name())
                .getStatus()
                .getDescription())
        .isNotNull();
  }

  @Test
  void aCancelledContextEndsAReceiveAndTheValueSentLaterIsNotLost() throws Exception {
    String name = freshName();
    NatsChannel<Order> out = open(producer, name, 4);
    NatsChannel<Order> in = open(consumer, name, 4);

    try (CancelableContext waiting = Contexts.withTimeout(Context.root(), Duration.ofMillis(200))) {
      assertThatThrownBy(() -> in.receive(waiting.context()))
          .isInstanceOf(ContextDoneException.class);
    }
    out.send(new Order("o-1", 1));

    assertThat(in.receive()).isEqualTo(new Order("o-1", 1));
  }

  @Test
  void closeIsSeenByEveryConnectionAfterTheStreamIsDrained() throws Exception {
    String name = freshName();
    NatsChannel<Order> out = open(producer, name, 16);
    NatsChannel<Order> in = open(consumer, name, 16);
    out.send(new Order("o-1", 1));
    out.send(new Order("o-2", 2));

    out.close();

    List<Order> drained = new ArrayList<>();
    for (Order order : in) {
      drained.add(order);
    }
    assertThat(drained).containsExactly(new Order("o-1", 1), new Order("o-2", 2));
    assertThat(in.isClosed()).isTrue();
    assertThat(in.receiveOrClosed(Context.root())).isInstanceOf(Closed.class);
    assertThatThrownBy(() -> in.send(new Order("o-3", 3)))
        .isInstanceOf(ChannelClosedException.class);
    assertThatThrownBy(() -> out.send(new Order("o-3", 3)))
        .isInstanceOf(ChannelClosedException.class);
  }

  @Test
  void aChannelOpenedAfterItWasClosedIsClosed() throws Exception {
    String name = freshName();
    open(producer, name, 16).close();

    NatsChannel<Order> late = open(consumer, name, 16);

    assertThat(late.isClosed()).isTrue();
    assertThat(late.receiveOrClosed(Context.root())).isInstanceOf(Closed.class);
  }

  @Test
  void theSameMessageIdIsEnqueuedOnce() throws Exception {
    String name = freshName();
    NatsChannel<Order> out = open(producer, name, 16);

    out.send(Context.root(), new Order("o-1", 1), "order-1");
    out.send(Context.root(), new Order("o-1", 1), "order-1");
    out.send(Context.root(), new Order("o-2", 2), "order-2");

    assertThat(out.len()).isEqualTo(2);
  }

  @Test
  void competingReceiversOnTwoConnectionsGetEachValueOnce() throws Exception {
    String name = freshName();
    NatsChannel<Integer> out = track(NatsChannel.builder(producer, name, integers()).build());
    NatsChannel<Integer> first = track(NatsChannel.builder(consumer, name, integers()).build());
    Connection third = Nats.connect(server.url());
    try {
      NatsChannel<Integer> second = track(NatsChannel.builder(third, name, integers()).build());
      Goroutine<List<Integer>> a = Go.start(() -> drain(first));
      Goroutine<List<Integer>> b = Go.start(() -> drain(second));

      int count = 200;
      for (int i = 0; i < count; i++) {
        out.send(i);
      }
      out.close();

      List<Integer> all = new ArrayList<>(a.join());
      all.addAll(b.join());
      assertThat(all).hasSize(count);
      assertThat(new HashSet<>(all)).hasSize(count);
      second.detach();
    } finally {
      third.close();
    }
  }

  @Test
  void aBodyTheCodecCannotReadIsDroppedAndTheNextValueArrives() throws Exception {
    String name = freshName();
    NatsChannel<Order> out = open(producer, name, 16);
    NatsChannel<Order> in = open(consumer, name, 16);
    producer
        .jetStream()
        .publish("shuttle.chan." + name, "not json".getBytes(StandardCharsets.UTF_8));
    out.send(new Order("o-1", 1));

    assertThat(in.receive()).isEqualTo(new Order("o-1", 1));
    SpanData poisoned =
        awaitSpan(
            "receive shuttle.chan." + name,
            span -> span.getStatus().getStatusCode().name().equals("ERROR") ? "" : null);
    assertThat(poisoned.getStatus().getDescription()).contains("not JSON");
    awaitLen(out, 0);
  }

  @Test
  void aSelectReceivesFromTheChannel() throws Exception {
    String name = freshName();
    NatsChannel<Order> out = open(producer, name, 16);
    NatsChannel<Order> in = open(consumer, name, 16);
    out.send(new Order("o-1", 1));

    String got = Select.select(in.onReceive(Order::id));

    assertThat(got).isEqualTo("o-1");
  }

  @Test
  void badSettingsAreRefusedWithAClearMessage() {
    assertThatThrownBy(() -> NatsChannel.builder(producer, "a.b", Codec.utf8()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a channel name must be 1 to 64 letters");
    assertThatThrownBy(() -> NatsChannel.builder(producer, "ok", Codec.utf8()).capacity(0))
        .hasMessage("capacity must be at least 1, but was 0");
    assertThatThrownBy(
            () -> NatsChannel.builder(producer, "ok", Codec.utf8()).ackWait(Duration.ofMillis(10)))
        .hasMessageContaining("ackWait must be at least 1s");
    String name = freshName();
    open(producer, name, 4);
    assertThatThrownBy(() -> open(consumer, name, 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exists with capacity 4, not 8");
  }

  @Test
  void deleteRemovesTheChannelSoItsNameStartsAfresh() throws Exception {
    String name = freshName();
    NatsChannel<Order> first = open(producer, name, 4);
    first.send(new Order("o-1", 1));
    first.close();
    first.detach();

    assertThat(NatsChannel.delete(producer, name)).isTrue();
    NatsChannel<Order> again = open(producer, name, 8);

    assertThat(again.isClosed()).isFalse();
    assertThat(again.len()).isZero();
    assertThat(again.cap()).isEqualTo(8);
  }

  private static List<Integer> drain(NatsChannel<Integer> channel) {
    List<Integer> got = new ArrayList<>();
    for (int value : channel) {
      got.add(value);
    }
    return got;
  }

  private static Codec<Integer> integers() {
    return Codec.json(Integer.class);
  }

  private NatsChannel<Order> open(Connection connection, String name, int capacity) {
    return track(
        NatsChannel.builder(connection, name, Codec.json(Order.class)).capacity(capacity).build());
  }

  private <T> NatsChannel<T> track(NatsChannel<T> channel) {
    opened.add(channel);
    return channel;
  }

  private static void awaitLen(NatsChannel<?> channel, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (channel.len() != expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(channel.len()).isEqualTo(expected);
  }

  private static String freshName() {
    return "test-" + NAMES.incrementAndGet();
  }

  private SpanData awaitSpan(String name) throws InterruptedException {
    return awaitSpan(name, span -> "");
  }

  /** Waits for an ended span named {@code name} that {@code accept} maps to non-null. */
  private SpanData awaitSpan(String name, java.util.function.Function<SpanData, String> accept)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (SpanData span : telemetry.spans.getFinishedSpanItems()) {
        if (span.getName().equals(name) && accept.apply(span) != null) {
          return span;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no span " + name + " in " + telemetry.spans.getFinishedSpanItems());
  }

  static Set<String> names(List<SpanData> spans) {
    Set<String> names = new HashSet<>();
    spans.forEach(span -> names.add(span.getName()));
    return names;
  }
}
