package dev.shuttle.channel;

import static dev.shuttle.channel.TestThreads.async;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.telemetry.ChannelAttributes;
import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(10)
@SuppressWarnings("try") // scopes are only closed
class MessageTest {
  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void eachValueCarriesTheSendersContext() throws Exception {
    Channel<String> channel = Channel.buffered(2);
    Span producer = telemetry.tracer().spanBuilder("produce").startSpan();
    try (Scope ignored = producer.makeCurrent()) {
      channel.send("a");
    }
    channel.send("b"); // no span current

    Message<String> first = channel.receiveMessage();
    Message<String> second = channel.receiveMessage();

    assertThat(Span.fromContext(first.context()).getSpanContext())
        .isEqualTo(producer.getSpanContext());
    assertThat(Span.fromContext(second.context()).getSpanContext().isValid()).isFalse();
    producer.end();
  }

  @Test
  void aChannelWithoutMessageContextCarriesTheRootContext() throws Exception {
    Channel<String> channel = Channel.builder().capacity(1).messageContext(false).build();
    Span producer = telemetry.tracer().spanBuilder("produce").startSpan();
    try (Scope ignored = producer.makeCurrent()) {
      channel.send("a");
    }
    assertThat(channel.receiveMessage().context()).isSameAs(Context.root());
    assertThat(channel.carriesContext()).isFalse();
    producer.end();
  }

  @Test
  void processLinksAConsumerSpanToTheProducerByDefault() throws Exception {
    Channel<String> channel = Channel.rendezvous();
    Span producer = telemetry.tracer().spanBuilder("produce").startSpan();
    CompletableFuture<Void> sender =
        async(
            () -> {
              try (Scope ignored = producer.makeCurrent()) {
                channel.send("x");
              }
              return null;
            });
    Span receiverSpan = telemetry.tracer().spanBuilder("consumer-loop").startSpan();
    try (Scope ignored = receiverSpan.makeCurrent()) {
      channel
          .receiveMessage()
          .process(
              "process-message",
              v -> assertThat(Span.current().getSpanContext().isValid()).isTrue());
    }
    receiverSpan.end();
    producer.end();
    sender.get();

    SpanData consumer = telemetry.span("process-message");
    assertThat(consumer.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(consumer.getParentSpanId()).isEqualTo(receiverSpan.getSpanContext().getSpanId());
    assertThat(consumer.getLinks()).hasSize(1);
    assertThat(consumer.getLinks().get(0).getSpanContext()).isEqualTo(producer.getSpanContext());
    assertThat(consumer.getAttributes().get(ChannelAttributes.MESSAGING_SYSTEM))
        .isEqualTo("shuttle");
    assertThat(consumer.getAttributes().get(ChannelAttributes.MESSAGING_OPERATION_TYPE))
        .isEqualTo("process");
    assertThat(consumer.getAttributes().get(ChannelAttributes.MESSAGING_OPERATION_NAME))
        .as("semantic conventions: messaging.operation.name beside messaging.system")
        .isEqualTo("process");
  }

  @Test
  void processCanParentTheConsumerSpanAndRecordsAFailure() throws Exception {
    Channel<String> channel = Channel.buffered(1);
    Span producer = telemetry.tracer().spanBuilder("produce").startSpan();
    try (Scope ignored = producer.makeCurrent()) {
      channel.send("x");
    }
    producer.end();
    Message<String> message = channel.receiveMessage();

    assertThatThrownBy(
            () ->
                message.process(
                    "process-message",
                    SpanRelation.PARENT,
                    v -> {
                      throw new IllegalArgumentException("bad " + v);
                    }))
        .hasMessage("bad x");

    SpanData consumer = telemetry.span("process-message");
    assertThat(consumer.getTraceId()).isEqualTo(producer.getSpanContext().getTraceId());
    assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanContext().getSpanId());
    assertThat(consumer.getLinks()).isEmpty();
    assertThat(consumer.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(consumer.getEvents()).anyMatch(e -> e.getName().equals("exception"));
  }

  /**
   * The guide's "basic channel tracing": a producer sends five messages in its span, a processor
   * goroutine handles each in a span under the message's context and forwards it; the caller
   * records an event per result. No context field in the message type, no sleeping, and every
   * channel is closed.
   */
  @Test
  void reproducesTheGuidesBasicChannelExample() throws Exception {
    Channel<String> input = Channel.buffered(10);
    Channel<String> output = Channel.buffered(10);
    Span pipeline = telemetry.tracer().spanBuilder("channel-pipeline").startSpan();
    int results = 0;
    try (Scope ignored = pipeline.makeCurrent()) {
      Thread processor =
          Thread.ofVirtual()
              .start(
                  Context.current()
                      .wrap(
                          () -> {
                            try (output) {
                              for (Message<String> m : input.messages()) {
                                m.process(
                                    "process-message",
                                    SpanRelation.PARENT,
                                    payload -> forward(output, "processed-" + payload));
                              }
                            }
                          }));
      try (input) {
        for (int i = 0; i < 5; i++) {
          input.send("payload-" + i);
        }
      }
      for (String result : output) {
        pipeline.addEvent("message processed: " + result);
        results++;
      }
      processor.join();
    } finally {
      pipeline.end();
    }

    assertThat(results).isEqualTo(5);
    List<SpanData> processed = telemetry.spans("process-message");
    assertThat(processed).hasSize(5);
    assertThat(processed)
        .allSatisfy(
            s -> {
              assertThat(s.getTraceId()).isEqualTo(pipeline.getSpanContext().getTraceId());
              assertThat(s.getParentSpanId()).isEqualTo(pipeline.getSpanContext().getSpanId());
            });
  }

  private static void forward(Channel<String> output, String value) {
    try {
      output.send(value);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void processRethrowsAHandlersCheckedExceptionUnchangedAndRecordsIt() throws Exception {
    // given
    Channel<String> channel = Channel.buffered(1);
    channel.send("order-1");
    Message<String> message = channel.receiveMessage();
    IOException failure = new IOException("disk full");

    // when / then: the handler may throw a checked exception, and process declares exactly it
    assertThatThrownBy(
            () ->
                message.process(
                    "store-order",
                    value -> {
                      throw failure;
                    }))
        .isSameAs(failure);
    SpanData span = telemetry.spans().getFirst();
    assertThat(span.getName()).isEqualTo("store-order");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo("disk full");
  }

  @Test
  void processCanBeTheCallersOneConsumerSpanWithItsAttributes() throws Exception {
    // given: a message sent under a producer span
    Channel<String> channel = Channel.buffered(1);
    Span producer = telemetry.tracer().spanBuilder("produce").startSpan();
    try (Scope ignored = producer.makeCurrent()) {
      channel.send("item-1");
    }
    producer.end();
    Message<String> message = channel.receiveMessage();
    AttributeKey<Long> workerId = AttributeKey.longKey("worker.id");

    // when: its processing is named and attributed by the caller
    String[] currentSpan = new String[1];
    message.process(
        "worker-process",
        Attributes.of(workerId, 2L, ChannelAttributes.MESSAGING_SYSTEM, "mine"),
        SpanRelation.PARENT,
        value -> currentSpan[0] = Span.current().getSpanContext().getSpanId());

    // then: one span, the caller's, child of the producer's, current while the handler ran
    assertThat(telemetry.spans()).hasSize(2);
    SpanData span = telemetry.span("worker-process");
    assertThat(span.getSpanId()).isEqualTo(currentSpan[0]);
    assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(span.getParentSpanId()).isEqualTo(producer.getSpanContext().getSpanId());
    assertThat(span.getAttributes().get(workerId)).isEqualTo(2L);
    assertThat(span.getAttributes().get(ChannelAttributes.MESSAGING_SYSTEM)).isEqualTo("mine");
    assertThat(span.getAttributes().get(ChannelAttributes.MESSAGING_OPERATION_NAME))
        .isEqualTo(ChannelAttributes.MESSAGING_OPERATION_PROCESS);
  }

  @Test
  void aBlankSpanNameIsRejectedWithAClearMessage() throws Exception {
    Channel<String> channel = Channel.buffered(1);
    channel.send("x");
    Message<String> message = channel.receiveMessage();

    assertThatThrownBy(() -> message.startSpan(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spanName must not be blank");
    assertThatThrownBy(() -> message.process("", SpanRelation.LINK, value -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spanName must not be blank");
    assertThatThrownBy(
            () -> message.process("\t", Attributes.empty(), SpanRelation.PARENT, value -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spanName must not be blank");
    assertThat(telemetry.spans()).isEmpty();
  }
}
