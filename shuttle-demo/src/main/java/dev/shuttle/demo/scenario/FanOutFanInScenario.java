package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;

import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.SpanRelation;
import dev.shuttle.flow.FanIn;
import dev.shuttle.flow.FanOut;
import dev.shuttle.sync.WaitGroup;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * The guide's "扇入扇出模式" (FanOutFanIn.Process) on Shuttle's {@link FanOut#roundRobin} and {@link
 * FanIn#merge}: items are dealt in turn to three workers and their outputs merged back; each item's
 * {@code input-item} span is the parent of the {@code worker-process} span of whichever worker
 * handled it, because every message carries its item's context through both hops.
 *
 * <p>The guide's item type has a context and a span field; here the channels carry the context, and
 * the collector ends each item's span from the merged message's context. {@code fan-out} is the
 * context the distributor runs in: Shuttle's distributor gives no completion signal, so the span
 * ends once every worker has drained its closed channel (the distributor has then closed them all).
 * {@code fan-in} ends when the merged channel closes, as in the guide.
 */
public final class FanOutFanInScenario implements Scenario {
  static final List<String> DATA = List.of("a", "b", "c", "d", "e", "f", "g");
  static final int WORKERS = 3;
  static final Duration WORK = Duration.ofMillis(10);
  static final AttributeKey<Long> DATA_COUNT = longKey("data.count");
  static final AttributeKey<Long> WORKERS_KEY = longKey("workers");
  static final AttributeKey<Long> ITEM_INDEX = longKey("item.index");
  static final AttributeKey<Long> WORKER_ID = longKey("worker.id");
  static final AttributeKey<Long> ITEMS_SENT = longKey("items.sent");
  static final AttributeKey<Long> ITEMS_PROCESSED = longKey("items.processed");

  private Tracer tracer = OpenTelemetry.noop().getTracer("fan-out-fan-in");

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
    tracer = openTelemetry.getTracer("fan-out-fan-in");
    List<String> results = process(DATA, WORKERS);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < DATA.size(); i++) {
      expected.add("processed-by-" + (i % WORKERS) + "-" + DATA.get(i));
    }
    if (results.size() != expected.size() || !results.containsAll(expected)) {
      throw new IllegalStateException("expected " + expected + " in any order but got " + results);
    }
  }

  /** The guide's Process: fan out to {@code workers}, fan in, return every result. */
  List<String> process(List<String> data, int workers) throws Exception {
    Span span =
        tracer
            .spanBuilder("fan-out-fan-in")
            .setAttribute(DATA_COUNT, (long) data.size())
            .setAttribute(WORKERS_KEY, (long) workers)
            .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Context context = Context.current();
      Channel<String> input = Channel.buffered(data.size());

      Span fanOut = tracer.spanBuilder("fan-out").startSpan();
      Span fanIn = tracer.spanBuilder("fan-in").startSpan();
      List<String> results = new ArrayList<>();
      try {
        List<Channel<String>> workerInputs =
            FanOut.roundRobin(context.with(fanOut), input, workers, 10);

        WaitGroup workersDone = new WaitGroup();
        AtomicLong dealt = new AtomicLong();
        List<Channel<String>> workerOutputs = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
          int id = i;
          Channel<String> output = Channel.buffered(10);
          workerOutputs.add(output);
          workersDone.go(() -> dealt.addAndGet(worker(id, workerInputs.get(id), output)));
        }

        Channel<String> merged = FanIn.merge(context.with(fanIn), workerOutputs, 10);

        try (input) {
          for (int i = 0; i < data.size(); i++) {
            Span itemSpan =
                tracer.spanBuilder("input-item").setAttribute(ITEM_INDEX, (long) i).startSpan();
            input.send(context.with(itemSpan), data.get(i));
          }
        }

        for (Message<String> result : merged.messages()) { // ends once every worker is done
          results.add(result.value());
          Span.fromContext(result.context()).end(); // the item's input-item span
        }
        fanIn.end(); // the merged channel has closed
        workersDone.await(); // every worker has drained its channel, so the distributor is done
        fanOut.addEvent("fan-out done", Attributes.of(ITEMS_SENT, dealt.get()));
      } finally {
        fanIn.end(); // on failure; ending an ended span does nothing
        fanOut.end();
      }
      return results;
    } catch (Exception e) {
      Spans.recordFailure(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /** The guide's worker: one worker-ID span, one worker-process span per item under its item. */
  private long worker(int id, Channel<String> input, Channel<String> output)
      throws InterruptedException {
    Span workerSpan = tracer.spanBuilder("worker-" + id).startSpan();
    long processed = 0;
    try (output) {
      for (Message<String> item : input.messages()) {
        Span span = item.startSpan("worker-process", SpanRelation.PARENT);
        span.setAttribute(WORKER_ID, (long) id);
        String result;
        try (Scope ignored = item.context().with(span).makeCurrent()) {
          Work.simulate(WORK);
          result = "processed-by-" + id + "-" + item.value();
        } catch (Exception e) {
          Spans.recordFailure(span, e);
          throw e;
        } finally {
          span.end();
        }
        output.sendMessage(Context.current(), item.withValue(result));
        processed++;
      }
      workerSpan.addEvent("worker done", Attributes.of(ITEMS_PROCESSED, processed));
      return processed;
    } catch (Exception e) {
      Spans.recordFailure(workerSpan, e);
      throw e;
    } finally {
      workerSpan.end();
    }
  }
}
