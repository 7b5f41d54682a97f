package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.Go;
import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Closed;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.Received;
import dev.shuttle.channel.Select;
import dev.shuttle.channel.SpanRelation;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;

/**
 * The guide's "Select 多路复用追踪" (SelectMultiplexing): two producers, and a consumer that selects over
 * both channels; each {@code handle-ch1}/{@code handle-ch2} span is a child of the {@code
 * produce-message} span its message was sent in.
 */
public final class SelectScenario implements Scenario {
  static final int MESSAGES_PER_PRODUCER = 5;
  static final AttributeKey<String> CHANNEL = stringKey("channel");
  static final AttributeKey<String> PRODUCER = stringKey("producer");
  static final AttributeKey<Long> INDEX = longKey("index");
  private static final Duration PRODUCE_INTERVAL = Duration.ofMillis(5);
  private static final Duration HANDLE_WORK = Duration.ofMillis(5);

  @Override
  public String name() {
    return "select";
  }

  @Override
  public String description() {
    return "select over two producers' channels; ends when both channels close";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    Span span =
        openTelemetry.getTracer("select-multiplexing").spanBuilder("select-operation").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      Tracer producerTracer = openTelemetry.getTracer("producer");
      Go.go(() -> producer(producerTracer, ch1, "producer-1"));
      Go.go(() -> producer(producerTracer, ch2, "producer-2"));
      // Shuttle fixes the guide's loop, which ends only after 2 s without a message: it ends when
      // both producers have closed their channels (a closed channel's case is switched off)
      boolean open1 = true;
      boolean open2 = true;
      while (open1 || open2) {
        From from =
            Select.select(
                ch1.onReceiveOrClosed(r -> new From("ch1", r)).onlyIf(open1),
                ch2.onReceiveOrClosed(r -> new From("ch2", r)).onlyIf(open2));
        switch (from.received()) {
          case Message<String> message ->
              message.process( // a span under the producer's span
                  "handle-" + from.channel(),
                  SpanRelation.PARENT,
                  data -> {
                    Span.current().setAttribute(CHANNEL, from.channel());
                    Work.simulate(HANDLE_WORK);
                  });
          case Closed<String> closed -> {
            if (from.channel().equals("ch1")) {
              open1 = false;
            } else {
              open2 = false;
            }
          }
        }
      }
    } finally {
      span.end();
    }
  }

  /** The guide's producer; Shuttle fixes it: each span ends once its message is sent. */
  private static void producer(Tracer tracer, Channel<String> ch, String name)
      throws InterruptedException {
    try (ch) { // the guide never closes its channels
      for (int i = 0; i < MESSAGES_PER_PRODUCER; i++) {
        Span span =
            tracer
                .spanBuilder("produce-message")
                .setAttribute(PRODUCER, name)
                .setAttribute(INDEX, (long) i)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
          ch.send(name + "-msg-" + i); // the message carries this span
        } finally {
          span.end();
        }
        Work.simulate(PRODUCE_INTERVAL);
      }
    }
  }

  /** What one select received, and on which channel. */
  private record From(String channel, Received<String> received) {}
}
