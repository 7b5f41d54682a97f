package dev.shuttle.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.channel.Channel;
import dev.shuttle.channel.ChannelClosedException;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.SpanRelation;
import dev.shuttle.telemetry.ChannelAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(20)
@SuppressWarnings("try") // scopes are only closed
class FanOutFanInTest {
  private final TestTelemetry telemetry = new TestTelemetry();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  /**
   * The guide's fan-out/fan-in: input items with spans, dealt round-robin to three workers, each
   * processing in a child span of the item, merged into one channel; each item's trace intact.
   */
  @ParameterizedTest(name = "buffer {0}")
  @ValueSource(ints = {0, 1, 2, 10, 100})
  void reproducesTheGuidesFanOutFanIn(int buffer) throws Exception {
    Span root = telemetry.tracer().spanBuilder("fan-out-fan-in").startSpan();
    List<String> results = new ArrayList<>();
    try (Scope ignored = root.makeCurrent()) {
      Context context = Context.current();
      Channel<String> input = Channel.buffered(buffer);
      List<Channel<String>> workerInputs = FanOut.roundRobin(context, input, 3, buffer);
      List<Channel<String>> workerOutputs = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        Channel<String> in = workerInputs.get(w);
        Channel<String> out = Channel.buffered(buffer);
        workerOutputs.add(out);
        int id = w;
        Thread.ofVirtual().start(context.wrap(() -> worker(id, in, out)));
      }
      Channel<String> merged = FanIn.merge(context, workerOutputs, buffer);
      Thread.ofVirtual()
          .start(
              context.wrap(
                  () -> {
                    try (input) {
                      for (int i = 0; i < 12; i++) {
                        String item = "item-" + i;
                        Span span =
                            telemetry
                                .tracer()
                                .spanBuilder("input-item")
                                .setAttribute("item", item)
                                .startSpan();
                        input.send(context.with(span), item);
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
      for (Message<String> m : merged.messages()) {
        results.add(m.value());
        Span.fromContext(m.context()).end(); // the item's span, carried through every hop
      }
    } finally {
      root.end();
    }

    assertThat(results).hasSize(12);
    List<SpanData> processed = telemetry.spans("worker-process");
    assertThat(processed).hasSize(12);
    for (SpanData item : telemetry.spans("input-item")) {
      assertThat(item.getTraceId()).isEqualTo(root.getSpanContext().getTraceId());
      assertThat(item.getParentSpanId()).isEqualTo(root.getSpanContext().getSpanId());
      assertThat(processed)
          .filteredOn(p -> p.getParentSpanId().equals(item.getSpanId()))
          .hasSize(1)
          .allSatisfy(p -> assertThat(p.getTraceId()).isEqualTo(item.getTraceId()));
    }
    assertThat(telemetry.spans("input-item")).hasSize(12);
  }

  private static void worker(int id, Channel<String> in, Channel<String> out) {
    try (out) {
      for (Message<String> m : in.messages()) {
        String[] result = new String[1];
        m.process(
            "worker-process",
            SpanRelation.PARENT,
            item -> {
              Span.current().setAttribute("item", item);
              Span.current().setAttribute(ChannelAttributes.WORKER_INDEX, (long) id);
              result[0] = "processed-by-" + id + "-" + item;
            });
        out.sendMessage(Context.current(), m.withValue(result[0]));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void roundRobinDealsInTurnAndClosesEveryOutput() throws Exception {
    Channel<Integer> input = Channel.buffered(9);
    for (int i = 0; i < 9; i++) {
      input.send(i);
    }
    input.close();

    List<Channel<Integer>> outputs = FanOut.roundRobin(Context.root(), input, 3, 3);

    assertThat(outputs.get(0).stream().toList()).containsExactly(0, 3, 6);
    assertThat(outputs.get(1).stream().toList()).containsExactly(1, 4, 7);
    assertThat(outputs.get(2).stream().toList()).containsExactly(2, 5, 8);
  }

  @Test
  void shareSpreadsWorkAndKeepsEachItemsTrace() throws Exception {
    Channel<Integer> input = Channel.buffered(4);
    Channel<Integer> results = FanOut.share(Context.root(), input, 4, "square", i -> i * i, 4);
    Thread.ofVirtual()
        .start(
            () -> {
              try (input) {
                for (int i = 0; i < 40; i++) {
                  Span span = telemetry.tracer().spanBuilder("produce").startSpan();
                  input.send(Context.root().with(span), i);
                  span.end();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });

    List<Message<Integer>> out = new ArrayList<>();
    results.messages().forEach(out::add);

    assertThat(out).extracting(Message::value).hasSize(40).contains(0, 1, 4, 1521);
    List<SpanData> squares = telemetry.spans("square");
    assertThat(squares).hasSize(40);
    assertThat(squares)
        .extracting(s -> s.getAttributes().get(ChannelAttributes.WORKER_INDEX))
        .isSubsetOf(0L, 1L, 2L, 3L);
    for (SpanData produce : telemetry.spans("produce")) {
      assertThat(squares)
          .filteredOn(s -> s.getParentSpanId().equals(produce.getSpanId()))
          .hasSize(1);
    }
    for (Message<Integer> m : out) {
      assertThat(Span.fromContext(m.context()).getSpanContext().isValid()).isTrue();
    }
  }

  @Test
  void aFailingWorkerClosesTheResultsWithTheFailure() throws Exception {
    Channel<Integer> input = Channel.buffered(10);
    for (int i = 0; i < 10; i++) {
      input.send(i);
    }
    input.close();
    Channel<Integer> results =
        FanOut.share(
            Context.root(),
            input,
            2,
            "check",
            i -> {
              if (i == 5) {
                throw new IllegalStateException("five");
              }
              return i;
            },
            10);

    assertThatThrownBy(() -> results.stream().toList())
        .isInstanceOf(ChannelClosedException.class)
        .hasRootCauseMessage("five");
  }

  @Test
  void mergeClosesWhenEveryInputHasClosedOrWithAnInputsError() throws Exception {
    Channel<Integer> a = Channel.buffered(2);
    Channel<Integer> b = Channel.buffered(2);
    a.send(1);
    b.send(2);
    a.close();
    b.close();
    assertThat(FanIn.merge(Context.root(), List.of(a, b), 0).stream().toList())
        .containsExactlyInAnyOrder(1, 2);

    Channel<Integer> ok = Channel.buffered(1);
    Channel<Integer> failed = Channel.buffered(1);
    ok.close();
    failed.close(new IllegalStateException("upstream"));
    assertThatThrownBy(() -> FanIn.merge(Context.root(), List.of(ok, failed), 1).stream().toList())
        .isInstanceOf(ChannelClosedException.class)
        .hasRootCauseMessage("upstream");
  }
}
