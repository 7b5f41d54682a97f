package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.Go;
import dev.shuttle.Goroutine;
import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.SpanRelation;
import dev.shuttle.telemetry.Spans;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The guide's "基本 Channel 追踪" (BasicChannelTracing): a producer sends messages on a channel, a
 * processor goroutine continues each message's trace in a {@code process-message} span and passes
 * the result on, and the producer collects the results.
 *
 * <p>The message type has no context field (the guide's {@code Message.Ctx}): a Shuttle channel
 * carries the sender's context with every value, and {@link Message#startSpan} opens the consumer
 * span under it. Both channels are closed by their writers, and the producer waits for the
 * processor by reading its output to the end, then joining it: nothing sleeps.
 */
public final class ChannelScenario implements Scenario {
  static final int MESSAGES = 5;
  static final Duration PROCESSING = Duration.ofMillis(10);
  static final AttributeKey<String> MESSAGE_ID = stringKey("message.id");

  private Tracer tracer = OpenTelemetry.noop().getTracer("pipeline-stage");

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
    tracer = openTelemetry.getTracer("pipeline-stage");
    List<Payload> results = basicChannelTracing();
    for (int i = 0; i < MESSAGES; i++) {
      Payload expected = new Payload("msg-" + i, "processed-payload-" + i);
      if (!results.get(i).equals(expected)) {
        throw new IllegalStateException("expected " + expected + " but got " + results.get(i));
      }
    }
  }

  /** The guide's BasicChannelTracing; returns the processed messages in the order received. */
  List<Payload> basicChannelTracing() throws Exception {
    Span span = tracer.spanBuilder("channel-pipeline").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Channel<Payload> input = Channel.buffered(10);
      Channel<Payload> output = Channel.buffered(10);
      Goroutine<@Nullable Void> processor =
          Go.start(
              Context.current(),
              () -> {
                processMessages(input, output);
                return null;
              });
      try (input) { // closed once every message is sent: the processor's loop then ends
        for (int i = 0; i < MESSAGES; i++) {
          input.send(new Payload("msg-" + i, "payload-" + i)); // carries channel-pipeline's context
        }
      }
      List<Payload> results = new ArrayList<>();
      for (Payload processed : output) { // ends when the processor closes its output
        results.add(processed);
        span.addEvent("message processed", Attributes.of(MESSAGE_ID, processed.id()));
      }
      processor.join(); // already finished: it closed the output; this rethrows its failure
      return results;
    } catch (Exception e) {
      Spans.recordFailure(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /** The guide's processMessages: one consumer span per message, under the sender's context. */
  private void processMessages(Channel<Payload> input, Channel<Payload> output)
      throws InterruptedException {
    try (output) { // the guide's defer close(output)
      for (Message<Payload> message : input.messages()) {
        Span span = message.startSpan("process-message", SpanRelation.PARENT);
        span.setAttribute(MESSAGE_ID, message.value().id());
        Payload processed;
        try (Scope ignored = message.context().with(span).makeCurrent()) {
          Work.simulate(PROCESSING);
          processed = message.value().processed();
        } catch (Exception e) {
          Spans.recordFailure(span, e);
          throw e;
        } finally {
          span.end();
        }
        output.sendMessage(Context.current(), message.withValue(processed));
      }
    }
  }

  /** The guide's Message without its context field: the channel carries the context. */
  record Payload(String id, String payload) {
    Payload processed() {
      return new Payload(id, "processed-" + payload);
    }
  }
}
