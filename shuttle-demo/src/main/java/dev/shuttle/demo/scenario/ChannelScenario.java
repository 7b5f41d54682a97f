package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.Go;
import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.SpanRelation;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Duration;

/**
 * The guide's "基本 Channel 追踪" (BasicChannelTracing): messages sent on a channel, a goroutine that
 * processes each in a {@code process-message} span under the sender's span, and the sender
 * collecting the results.
 *
 * <p>The message type has no context field (the guide's {@code Message.Ctx}): a Shuttle channel
 * carries the sender's context with every value.
 */
public final class ChannelScenario implements Scenario {
  static final int MESSAGES = 5;
  static final AttributeKey<String> MESSAGE_ID = stringKey("message.id");
  private static final Duration PROCESSING = Duration.ofMillis(10);

  @Override
  public String name() {
    return "channel";
  }

  @Override
  public String description() {
    return "messages on a channel carry the sender's trace; the consumer continues it";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    Span span =
        openTelemetry.getTracer("pipeline-stage").spanBuilder("channel-pipeline").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Channel<Payload> input = Channel.buffered(10);
      Channel<Payload> output = Channel.buffered(10);
      Go.go(() -> processMessages(input, output));
      try (input) { // close(input): the processor's loop ends after the last message
        for (int i = 0; i < MESSAGES; i++) {
          input.send(new Payload("msg-" + i, "payload-" + i)); // carries channel-pipeline's context
        }
      }
      for (Payload processed : output) { // ends when the processor closes its output
        span.addEvent("message processed", Attributes.of(MESSAGE_ID, processed.id()));
      }
    } finally {
      span.end();
    }
  }

  /** The guide's processMessages: one span per message, a child of the sender's span. */
  private static void processMessages(Channel<Payload> input, Channel<Payload> output)
      throws InterruptedException {
    try (output) { // defer close(output)
      for (Message<Payload> message : input.messages()) {
        message.process(
            "process-message",
            SpanRelation.PARENT,
            payload -> {
              Span.current().setAttribute(MESSAGE_ID, payload.id());
              Work.simulate(PROCESSING);
              output.send(new Payload(payload.id(), "processed-" + payload.payload()));
            });
      }
    }
  }

  /** The guide's Message, without its context field: the channel carries the context. */
  record Payload(String id, String payload) {}
}
