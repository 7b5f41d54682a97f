package dev.shuttle.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The guide's "select multiplexing" example, without its defects: every producer span ends, both
 * channels are closed by their producers, and the consumer stops when both are closed (a closed
 * channel's case is switched off, Go's nil-channel idiom) rather than after an idle timeout.
 */
@Timeout(10)
@SuppressWarnings("try") // scopes are only closed
class GuideSelectExampleTest {
  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void multiplexesTwoProducersAndKeepsEachMessagesTrace() throws Exception {
    Span operation = telemetry.tracer().spanBuilder("select-operation").startSpan();
    int handled = 0;
    try (Scope ignored = operation.makeCurrent()) {
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      Thread p1 =
          Thread.ofVirtual().start(Context.current().wrap(() -> produce(ch1, "producer-1")));
      Thread p2 =
          Thread.ofVirtual().start(Context.current().wrap(() -> produce(ch2, "producer-2")));
      boolean open1 = true;
      boolean open2 = true;
      while (open1 || open2) {
        String outcome =
            Select.select(
                ch1.onReceiveOrClosed(r -> handle(r, "handle-ch1")).onlyIf(open1),
                ch2.onReceiveOrClosed(r -> handle(r, "handle-ch2")).onlyIf(open2));
        switch (outcome) {
          case "closed handle-ch1" -> open1 = false;
          case "closed handle-ch2" -> open2 = false;
          default -> handled++;
        }
      }
      p1.join();
      p2.join();
    } finally {
      operation.end();
    }

    assertThat(handled).isEqualTo(10);
    List<SpanData> produced = telemetry.spans("produce-message");
    assertThat(produced).hasSize(10); // every producer span ended
    for (String handler : List.of("handle-ch1", "handle-ch2")) {
      assertThat(telemetry.spans(handler))
          .hasSize(5)
          .allSatisfy(
              h ->
                  assertThat(produced)
                      .filteredOn(p -> p.getSpanId().equals(h.getParentSpanId()))
                      .hasSize(1));
    }
    assertThat(telemetry.spans())
        .allSatisfy(
            s -> assertThat(s.getTraceId()).isEqualTo(operation.getSpanContext().getTraceId()));
  }

  private void produce(Channel<String> channel, String name) {
    try (channel) {
      for (int i = 0; i < 5; i++) {
        Span span =
            telemetry
                .tracer()
                .spanBuilder("produce-message")
                .setAttribute("producer", name)
                .setAttribute("index", i)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
          channel.send(name + "-msg-" + i); // carries the producer span
        } finally {
          span.end();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String handle(Received<String> received, String spanName) {
    if (received instanceof Message<String> message) {
      message.process(spanName, SpanRelation.PARENT, value -> {});
      return "handled " + spanName;
    }
    return "closed " + spanName;
  }
}
