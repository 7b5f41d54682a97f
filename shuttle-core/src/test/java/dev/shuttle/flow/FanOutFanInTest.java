package dev.shuttle.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.Goroutines;
import dev.shuttle.channel.Channel;
import dev.shuttle.channel.ChannelClosedException;
import dev.shuttle.channel.Closed;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.ReceiveChannel;
import dev.shuttle.channel.Received;
import dev.shuttle.channel.SendChannel;
import dev.shuttle.channel.SpanRelation;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.inspect.GoroutineInfo;
import dev.shuttle.telemetry.ChannelAttributes;
import dev.shuttle.testing.ForEachCapacity;
import dev.shuttle.testing.TelemetryExtension;
import dev.shuttle.testing.Waits;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(20)
@SuppressWarnings("try") // scopes are only closed
class FanOutFanInTest {
  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  /**
   * The guide's fan-out/fan-in: input items with spans, dealt round-robin to three workers, each
   * processing in a child span of the item, merged into one channel; each item's trace intact.
   */
  @ForEachCapacity
  void reproducesTheGuidesFanOutFanIn(int buffer) throws Exception {
    Span root = telemetry.tracer().spanBuilder("fan-out-fan-in").startSpan();
    List<String> results = new ArrayList<>();
    try (Scope ignored = root.makeCurrent()) {
      Context context = Context.current();
      Channel<String> input = Channel.buffered(buffer);
      List<ReceiveChannel<String>> workerInputs =
          FanOut.<String>builder(context, input).buffer(buffer).roundRobin(3);
      List<ReceiveChannel<String>> workerOutputs = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        ReceiveChannel<String> in = workerInputs.get(w);
        Channel<String> out = Channel.buffered(buffer);
        workerOutputs.add(out);
        int id = w;
        Thread.ofVirtual().start(context.wrap(() -> worker(id, in, out)));
      }
      ReceiveChannel<String> merged = FanIn.merge(context, workerOutputs, buffer);
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

  private static void worker(int id, ReceiveChannel<String> in, SendChannel<String> out) {
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

    List<ReceiveChannel<Integer>> outputs =
        FanOut.<Integer>builder(Context.root(), input).buffer(3).roundRobin(3);

    assertThat(outputs.get(0).stream().toList()).containsExactly(0, 3, 6);
    assertThat(outputs.get(1).stream().toList()).containsExactly(1, 4, 7);
    assertThat(outputs.get(2).stream().toList()).containsExactly(2, 5, 8);
  }

  @Test
  void shareSpreadsWorkAndKeepsEachItemsTrace() throws Exception {
    Channel<Integer> input = Channel.buffered(4);
    ReceiveChannel<Integer> results =
        FanOut.<Integer>builder(Context.root(), input).buffer(4).share(4, "square", i -> i * i);
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
    ReceiveChannel<Integer> results =
        FanOut.<Integer>builder(Context.root(), input)
            .buffer(10)
            .share(
                2,
                "check",
                i -> {
                  if (i == 5) {
                    throw new IllegalStateException("five");
                  }
                  return i;
                });

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

  // ------------------------------------------------------------- errors and early closes

  /** Regression: the merged channel closed with a ChannelClosedException wrapping the error. */
  @Test
  void mergeClosesWithTheInputsOwnError() throws Exception {
    // given
    IllegalStateException upstream = new IllegalStateException("upstream");
    Channel<Integer> ok = Channel.buffered(1);
    Channel<Integer> failed = Channel.buffered(1);
    ok.send(1);
    ok.close();
    failed.close(upstream);

    // when
    ReceiveChannel<Integer> merged = FanIn.merge(Context.root(), List.of(ok, failed), 1);

    // then the values forwarded before it, then the input's own error
    List<Received<Integer>> received = drain(merged);
    assertThat(received.getLast()).isEqualTo(new Closed<Integer>(upstream));
    assertThat(((Closed<Integer>) received.getLast()).error()).isSameAs(upstream);
  }

  /** Regression: every output closed with a ChannelClosedException wrapping the error. */
  @Test
  void roundRobinClosesEveryOutputWithTheInputsOwnError() throws Exception {
    // given
    IllegalStateException upstream = new IllegalStateException("upstream");
    Channel<Integer> input = Channel.buffered(4);
    for (int i = 0; i < 4; i++) {
      input.send(i);
    }
    input.close(upstream);

    // when
    List<ReceiveChannel<Integer>> outputs =
        FanOut.<Integer>builder(Context.root(), input).buffer(2).roundRobin(2);

    // then each output has its values, then the input's own error
    for (ReceiveChannel<Integer> output : outputs) {
      List<Received<Integer>> received = drain(output);
      assertThat(received).hasSize(3);
      assertThat(((Closed<Integer>) received.getLast()).error()).isSameAs(upstream);
    }
  }

  /**
   * Regression: when the consumer closed the merged channel, the merge thread failed to forward the
   * next message and then threw "close of closed channel" into the thread's uncaught-exception
   * handler.
   */
  @Test
  void mergeStopsQuietlyWhenItsConsumerClosesTheMergedChannel() throws Exception {
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    try {
      // given a merge blocked on its inputs
      Channel<String> a = Channel.rendezvous();
      Channel<String> b = Channel.rendezvous();
      ReceiveChannel<String> merged = FanIn.merge(Context.root(), List.of(a, b), 0);
      Waits.until(() -> a.waitingReceivers() == 1 && b.waitingReceivers() == 1);
      List<GoroutineInfo> merge = goroutines("fan-in");

      // when its consumer leaves, and then a message arrives that it cannot forward
      merged.cancel();
      a.send("x");

      // then its thread ends (after its uncaught-exception handler, had it thrown), having thrown
      // nothing and taking nothing more
      assertThat(merge).hasSize(1);
      assertThat(Goroutines.awaitEnd(merge, Waits.LIMIT)).as("the merge ended").isTrue();
      assertThat(uncaught).isEmpty();
      assertThat(a.waitingReceivers() + b.waitingReceivers()).isZero();
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }

  /**
   * Regression: when the consumer of {@code share}'s results closed them early, the last worker
   * closed the closed channel again and threw on its thread.
   */
  @Test
  void shareStopsItsWorkersQuietlyWhenItsConsumerClosesTheResults() throws Exception {
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    try {
      // given two workers waiting for input
      Channel<Integer> input = Channel.rendezvous();
      ReceiveChannel<Integer> results =
          FanOut.<Integer>builder(Context.root(), input).share(2, "double", x -> x * 2);
      Waits.until(() -> input.waitingReceivers() == 2);
      List<GoroutineInfo> workers = goroutines("fan-out double");

      // when the consumer leaves, and then an item arrives whose result cannot be delivered
      results.cancel();
      input.send(1);

      // then both workers' threads end, and nothing is thrown on them
      assertThat(workers).hasSize(2);
      assertThat(Goroutines.awaitEnd(workers, Waits.LIMIT)).as("the workers ended").isTrue();
      assertThat(uncaught).isEmpty();
      assertThat(input.waitingReceivers()).isZero();
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }

  /**
   * Regression: a send to an output its consumer had closed ended the fan-out, threw "close of
   * closed channel" on its thread, and left the outputs after the closed one open forever.
   */
  @Test
  void roundRobinDealsAroundAnOutputItsConsumerClosed() throws Exception {
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    try {
      // given three outputs, the consumer of the second one gone
      Channel<Integer> input = Channel.rendezvous();
      List<ReceiveChannel<Integer>> outputs =
          FanOut.<Integer>builder(Context.root(), input).buffer(1).roundRobin(3);
      outputs.get(1).cancel();
      CompletableFuture<List<Integer>> first = collect(outputs.get(0));
      CompletableFuture<List<Integer>> third = collect(outputs.get(2));

      // when
      for (int i = 0; i < 6; i++) {
        input.send(i);
      }
      input.close();

      // then every item reaches an open output, each output closes, nothing is thrown
      List<Integer> dealt = new ArrayList<>(first.get(10, TimeUnit.SECONDS));
      dealt.addAll(third.get(10, TimeUnit.SECONDS));
      assertThat(dealt).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
      assertThat(outputs.get(1).isDrained()).isTrue();
      assertThat(uncaught).isEmpty();
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }

  @Test
  void roundRobinStopsWhenEveryConsumerHasClosedItsOutput() throws Exception {
    // given
    Channel<Integer> input = Channel.rendezvous();
    List<ReceiveChannel<Integer>> outputs =
        FanOut.<Integer>builder(Context.root(), input).roundRobin(2);
    outputs.forEach(ReceiveChannel::cancel);

    // when an item arrives that nobody can take (a rendezvous: the fan-out has taken it)
    input.send(1);

    // then the fan-out ends, and takes no more items from the input
    assertThat(Goroutines.awaitEnd(goroutines("fan-out"), Waits.LIMIT))
        .as("the fan-out ended")
        .isTrue();
    assertThat(input.waitingReceivers()).isZero();
    assertThat(input.trySend(2)).isFalse();
  }

  @Test
  void mergeAndRoundRobinCloseWithTheReasonTheirContextIsDone() throws Exception {
    // given
    IllegalStateException reason = new IllegalStateException("shutting down");
    CancelableContext run = Contexts.withCancelCause(Context.root());
    Channel<Integer> input = Channel.rendezvous();
    List<ReceiveChannel<Integer>> outputs =
        FanOut.<Integer>builder(run.context(), input).roundRobin(2);
    ReceiveChannel<Integer> merged = FanIn.merge(run.context(), outputs, 0);
    input.send(1);
    assertThat(merged.receive()).isEqualTo(1);

    // when
    run.cancel(reason);

    // then
    for (ReceiveChannel<Integer> channel : List.of(outputs.get(0), outputs.get(1), merged)) {
      Received<Integer> last = drain(channel).getLast();
      assertThat(last).isInstanceOf(Closed.class);
      assertThat(((Closed<Integer>) last).error())
          .isInstanceOf(ContextDoneException.class)
          .hasCause(reason);
    }
  }

  private static <T> List<Received<T>> drain(ReceiveChannel<T> channel)
      throws InterruptedException {
    List<Received<T>> received = new ArrayList<>();
    while (true) {
      Received<T> r = channel.receiveOrClosed();
      received.add(r);
      if (r instanceof Closed<T>) {
        return received;
      }
    }
  }

  private static CompletableFuture<List<Integer>> collect(ReceiveChannel<Integer> channel) {
    CompletableFuture<List<Integer>> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                result.complete(channel.stream().toList());
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              }
            });
    return result;
  }

  /** The live goroutines {@code owner} started (as {@code "fan-in"}, {@code "fan-out work"}). */
  private static List<GoroutineInfo> goroutines(String owner) {
    return Goroutines.snapshot().filter(g -> g.owner().equals(owner)).goroutines();
  }

  @Test
  void shareRejectsABlankSpanNameBeforeStartingAnyWorker() {
    Channel<Integer> input = Channel.buffered(1);

    assertThatThrownBy(
            () -> FanOut.<Integer>builder(Context.root(), input).buffer(1).share(2, " ", i -> i))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spanName must not be blank");
    assertThat(input.waitingReceivers()).isZero();
  }

  @Test
  void fanOutAndFanInHandOutReceiveOnlyViews() throws Exception {
    Channel<Integer> input = Channel.buffered(2);
    input.send(1);
    input.close();
    List<ReceiveChannel<Integer>> lanes =
        FanOut.<Integer>builder(Context.root(), input).buffer(1).roundRobin(2);
    ReceiveChannel<Integer> merged = FanIn.merge(Context.root(), lanes, 0);
    Channel<Integer> other = Channel.buffered(0);
    other.close();
    ReceiveChannel<Integer> results =
        FanOut.<Integer>builder(Context.root(), other).share(1, "copy", i -> i);

    for (ReceiveChannel<Integer> view : List.of(lanes.get(0), lanes.get(1), merged, results)) {
      assertThat(view).isNotInstanceOf(SendChannel.class).isNotInstanceOf(Channel.class);
    }
    assertThat(merged.stream().toList()).containsExactly(1);
    assertThat(results.stream().toList()).isEmpty();
  }

  @Test
  void fanOutRejectsACountBelowOneAndANegativeBuffer() {
    Channel<Integer> input = Channel.buffered(1);
    FanOutBuilder<Integer> builder = FanOut.builder(Context.root(), input);

    assertThatThrownBy(() -> builder.roundRobin(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("outputs must be at least 1, but was 0");
    assertThatThrownBy(() -> builder.share(0, "work", i -> i))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workers must be at least 1, but was 0");
    assertThatThrownBy(() -> builder.buffer(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("buffer must not be negative, but was -1");
    assertThat(input.waitingReceivers()).isZero();
  }
}
