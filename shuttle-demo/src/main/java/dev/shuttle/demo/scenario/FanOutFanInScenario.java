package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;

import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.ReceiveChannel;
import dev.shuttle.channel.SendChannel;
import dev.shuttle.channel.SpanRelation;
import dev.shuttle.flow.FanIn;
import dev.shuttle.flow.FanOut;
import dev.shuttle.flow.FanOutBuilder;
import dev.shuttle.sync.WaitGroup;
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

/**
 * The guide's "扇入扇出模式" (FanOutFanIn.Process) on Shuttle's {@link FanOutBuilder#roundRobin} and
 * {@link FanIn#merge}: under {@code fan-out-fan-in}, items are dealt in turn to {@value #WORKERS}
 * workers ({@code worker-N} spans) and their outputs merged back. Each item's {@code input-item}
 * span is the parent of the one {@code worker-process} span of the worker that handled it, because
 * every message carries its item's context through both hops; the collector ends it, as the guide
 * does.
 *
 * <p>The guide's item type has a context and a span field; here the channels carry the context.
 * {@code fan-out} is the context the distributor runs in; it ends once every worker has drained its
 * closed channel (the distributor has then closed them all). {@code fan-in} ends when the merged
 * channel closes.
 */
public final class FanOutFanInScenario implements Scenario {
  static final List<String> DATA = List.of("a", "b", "c", "d", "e", "f", "g");
  static final int WORKERS = 3;
  static final AttributeKey<Long> DATA_COUNT = longKey("data.count");
  static final AttributeKey<Long> WORKERS_KEY = longKey("workers");
  static final AttributeKey<Long> ITEM_INDEX = longKey("item.index");
  static final AttributeKey<Long> WORKER_ID = longKey("worker.id");
  static final AttributeKey<Long> ITEMS_SENT = longKey("items.sent");
  static final AttributeKey<Long> ITEMS_PROCESSED = longKey("items.processed");

  @Override
  public String name() {
    return "fan-out-fan-in";
  }

  @Override
  public String description() {
    return "items dealt round-robin to workers and merged back, each item's trace intact";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    process(openTelemetry.getTracer("fan-out-fan-in"), DATA, WORKERS);
  }

  /** The guide's Process: fan out to {@code workers}, fan in, return every result. */
  static List<String> process(Tracer tracer, List<String> data, int workers) throws Exception {
    Span span =
        tracer
            .spanBuilder("fan-out-fan-in")
            .setAttribute(DATA_COUNT, (long) data.size())
            .setAttribute(WORKERS_KEY, (long) workers)
            .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Channel<String> input = Channel.buffered(data.size());

      Span fanOut = tracer.spanBuilder("fan-out").startSpan();
      List<ReceiveChannel<String>> workerInputs =
          FanOut.<String>builder(Context.current().with(fanOut), input)
              .buffer(10)
              .roundRobin(workers);

      WaitGroup wg = WaitGroup.create();
      List<ReceiveChannel<String>> workerOutputs = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        int id = i;
        Channel<String> output = Channel.buffered(10);
        workerOutputs.add(output);
        wg.go("worker-" + id, Attributes.empty(), () -> worker(id, workerInputs.get(id), output));
      }

      Span fanIn = tracer.spanBuilder("fan-in").startSpan();
      ReceiveChannel<String> merged = FanIn.merge(Context.current().with(fanIn), workerOutputs, 10);

      try (input) {
        for (int i = 0; i < data.size(); i++) {
          Span itemSpan =
              tracer.spanBuilder("input-item").setAttribute(ITEM_INDEX, (long) i).startSpan();
          input.send(Context.current().with(itemSpan), data.get(i));
        }
      }

      List<String> results = new ArrayList<>();
      for (Message<String> item : merged.messages()) { // ends once every worker is done
        results.add(item.value());
        Span.fromContext(item.context()).end(); // the item's input-item span
      }
      fanIn.end();
      wg.await(); // every worker has drained its channel: the distributor is done
      fanOut.addEvent("fan-out done", Attributes.of(ITEMS_SENT, (long) data.size()));
      fanOut.end();
      return results;
    } finally {
      span.end();
    }
  }

  /** The guide's worker: one worker-process span per item, a child of the item's span. */
  private static void worker(int id, ReceiveChannel<String> input, SendChannel<String> output)
      throws InterruptedException {
    long processed = 0;
    try (output) {
      for (Message<String> item : input.messages()) {
        item.process(
            "worker-process",
            Attributes.of(WORKER_ID, (long) id),
            SpanRelation.PARENT,
            data -> Work.simulate(Duration.ofMillis(10)));
        // sent once worker-process has ended: the collector ends the item's span on receipt
        output.send(item.context(), "processed-by-" + id + "-" + item.value());
        processed++;
      }
    }
    Span.current().addEvent("worker done", Attributes.of(ITEMS_PROCESSED, processed));
  }
}
