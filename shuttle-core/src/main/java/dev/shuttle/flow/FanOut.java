package dev.shuttle.flow;

import dev.shuttle.channel.Channel;
import dev.shuttle.channel.ChannelClosedException;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.ReceiveChannel;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Contexts;
import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.Rethrow;
import dev.shuttle.internal.run.InterruptOnCancel;
import dev.shuttle.internal.run.SpanOutcome;
import dev.shuttle.telemetry.ChannelAttributes;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Fan-out: spread the messages of one channel over N consumers, keeping each message's context.
 * Configure and start one with {@link #builder}:
 *
 * <ul>
 *   <li>{@link FanOutBuilder#roundRobin}: a distributor deals messages to N channels in turn (Go's
 *       fan-out pattern); each worker owns one channel.
 *   <li>{@link FanOutBuilder#share}: N workers receive from the same channel — work-sharing, so a
 *       slow item does not hold up the items dealt after it — and their results are merged into one
 *       channel.
 * </ul>
 *
 * {@snippet :
 * List<ReceiveChannel<Order>> lanes = FanOut.builder(context, orders).buffer(10).roundRobin(3);
 * }
 *
 * <p>Every channel it returns is a receive-only view. Thread-safe; each fan-out starts virtual
 * threads in the given context.
 */
public final class FanOut {
  private FanOut() {}

  /**
   * {@return a builder for a fan-out of {@code input}, whose threads run in {@code context}} The
   * context's cancellation stops them and closes the outputs with the reason.
   *
   * @param context the context the fan-out's threads run in
   * @param input the channel whose messages to spread
   * @param <T> the input's value type
   */
  public static <T> FanOutBuilder<T> builder(Context context, ReceiveChannel<? extends T> input) {
    return new FanOutBuilder<>(context, input);
  }

  /** See {@link FanOutBuilder#roundRobin}; the arguments are checked. */
  static <T> List<ReceiveChannel<T>> roundRobin(
      Context context, ReceiveChannel<? extends T> input, int n, int buffer) {
    List<Channel<T>> outputs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      outputs.add(Channel.buffered(buffer));
    }
    Thread.ofVirtual()
        .name("shuttle-fan-out")
        .start(
            context.wrap(
                GoroutineRegistry.registered(
                    "fan-out",
                    context,
                    () -> {
                      // This thread throws nothing: every outcome ends in the outputs.
                      List<Channel<T>> open = new ArrayList<>(outputs);
                      Throwable error = null;
                      try {
                        int next = 0;
                        deal:
                        for (Message<? extends T> m : input.messages()) {
                          while (!open.isEmpty()) {
                            if (next >= open.size()) {
                              next = 0;
                            }
                            try {
                              open.get(next).sendMessage(context, m);
                              next++;
                              continue deal;
                            } catch (ChannelClosedException closedByItsConsumer) {
                              open.remove(next); // m goes to the output after it
                            }
                          }
                          break; // every consumer has closed its output: nobody left to deal to
                        }
                      } catch (ChannelClosedException e) { // input closed with an error: pass it on
                        Throwable inputError = e.error();
                        error = inputError == null ? e : inputError;
                      } catch (InterruptedException e) {
                        error = e;
                        Thread.currentThread().interrupt();
                      } catch (RuntimeException e) { // context done; interrupted while receiving
                        error = e;
                      } finally {
                        for (Channel<T> output : outputs) {
                          Closing.closeOutput(output, error);
                        }
                      }
                    })));
    List<ReceiveChannel<T>> views = new ArrayList<>(n);
    for (Channel<T> output : outputs) {
      views.add(output.receiveOnly());
    }
    return List.copyOf(views);
  }

  /** See {@link FanOutBuilder#share}; the arguments are checked. */
  static <T, R> ReceiveChannel<R> share(
      Context context,
      ReceiveChannel<? extends T> input,
      int n,
      String spanName,
      StageFunction<? super T, ? extends R> function,
      int buffer) {
    CancelableContext workers = Contexts.withCancel(context);
    Channel<R> results = Channel.buffered(buffer);
    AtomicInteger remaining = new AtomicInteger(n);
    for (int w = 0; w < n; w++) {
      long worker = w;
      Thread.ofVirtual()
          .name("shuttle-fan-out-worker-" + w)
          .start(
              workers
                  .context()
                  .wrap(
                      GoroutineRegistry.registered(
                          "fan-out " + spanName,
                          workers.context(),
                          () -> {
                            try {
                              for (Message<? extends T> m : input.messages()) {
                                R result = apply(workers.context(), m, spanName, worker, function);
                                results.sendMessage(workers.context(), m.withValue(result));
                              }
                            } catch (Exception e) {
                              if (e instanceof InterruptedException) {
                                Thread.currentThread().interrupt();
                              }
                              workers.cancel(e); // first failure wins; the others stop
                            } finally {
                              if (remaining.decrementAndGet() == 0) {
                                Closing.closeOutput(results, workers.cancellation().cause());
                                workers.cancel();
                              }
                            }
                          })));
    }
    return results.receiveOnly();
  }

  /** Applies {@code function} in its span; its thread is interrupted if {@code workers} is done. */
  @SuppressWarnings("try") // the scope is only closed
  private static <T, R> R apply(
      Context workers,
      Message<? extends T> m,
      String spanName,
      long worker,
      StageFunction<? super T, ? extends R> function)
      throws Exception {
    Span span =
        ShuttleTelemetry.tracer()
            .spanBuilder(spanName)
            .setParent(m.context())
            .setAttribute(ChannelAttributes.WORKER_INDEX, worker)
            .startSpan();
    @Nullable R result = null;
    Throwable failure = null;
    InterruptOnCancel interrupt = InterruptOnCancel.arm(workers);
    try (Scope ignored = Context.current().with(span).makeCurrent()) {
      result = Objects.requireNonNull(function.apply(m.value()), spanName + " returned null");
    } catch (Throwable t) {
      failure = t;
    }
    failure = interrupt.disarm(failure);
    try {
      if (failure != null) {
        SpanOutcome.recordFailure(span, failure);
        throw Rethrow.failure(failure);
      }
    } finally {
      span.end();
    }
    return Objects.requireNonNull(result, "result");
  }
}
