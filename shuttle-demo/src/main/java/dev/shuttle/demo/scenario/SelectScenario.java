package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.Go;
import dev.shuttle.Goroutine;
import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Closed;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.Received;
import dev.shuttle.channel.Select;
import dev.shuttle.channel.SpanRelation;
import dev.shuttle.channel.Timer;
import dev.shuttle.channel.Timers;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.Spans;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The guide's "Select 多路复用追踪" (SelectMultiplexing): two producers, one consumer that selects over
 * both channels, a timer and the context's done signal; each {@code handle-ch1}/{@code handle-ch2}
 * span is a child of the {@code produce-message} span the message was sent in.
 *
 * <p>Fixed guide defects: every {@code produce-message} span ends (right after its send); each
 * producer closes its channel when done; the loop ends when both channels are closed (a closed
 * channel's case is switched off, Go's nil-channel idiom), not after an idle timeout. The idle
 * timer only adds an event and the loop goes on; the done case ends the loop early. The second run
 * shows that: its producers stall, and the operation's deadline ends the select loop.
 */
public final class SelectScenario implements Scenario {
  static final int MESSAGES_PER_PRODUCER = 5;
  static final Duration PRODUCE_INTERVAL = Duration.ofMillis(5);
  static final Duration HANDLE_WORK = Duration.ofMillis(5);
  static final Duration IDLE = Duration.ofMillis(500);
  static final Duration DEADLINE = Duration.ofSeconds(1);
  // Stalled producers wait far longer than this deadline, so it always ends the loop first.
  static final Duration STALLED_DEADLINE = Duration.ofMillis(200);
  static final Duration STALLED_INTERVAL = Duration.ofSeconds(30);
  static final AttributeKey<String> CHANNEL = stringKey("channel");
  static final AttributeKey<String> PRODUCER = stringKey("producer");
  static final AttributeKey<Long> INDEX = longKey("index");
  static final AttributeKey<Long> HANDLED = longKey("select.handled");

  private Tracer tracer = OpenTelemetry.noop().getTracer("select-multiplexing");
  private Tracer producerTracer = tracer;

  @Override
  public String name() {
    return "select";
  }

  @Override
  public String description() {
    return "select over two producers, a timer and the context; ends when both channels close";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    tracer = openTelemetry.getTracer("select-multiplexing");
    producerTracer = openTelemetry.getTracer("producer");
    int handled = selectMultiplexing(Context.current(), PRODUCE_INTERVAL, DEADLINE);
    if (handled != 2 * MESSAGES_PER_PRODUCER) {
      throw new IllegalStateException("expected every message handled, but handled " + handled);
    }
    int beforeDeadline = selectMultiplexing(Context.current(), STALLED_INTERVAL, STALLED_DEADLINE);
    if (beforeDeadline != 2) { // each stalled producer sent its first message only
      throw new IllegalStateException("expected 2 messages before the deadline: " + beforeDeadline);
    }
  }

  /**
   * The guide's SelectMultiplexing, under a {@code timeout}, with producers that pause {@code
   * interval} between messages; returns the number of messages handled.
   */
  int selectMultiplexing(Context parent, Duration interval, Duration timeout) throws Exception {
    Span span = tracer.spanBuilder("select-operation").setParent(parent).startSpan();
    int handled = 0;
    try (CancelableContext operation = Contexts.withTimeout(parent.with(span), timeout);
        Scope ignored = operation.makeCurrent()) {
      Channel<String> ch1 = Channel.buffered(1);
      Channel<String> ch2 = Channel.buffered(1);
      Goroutine<@Nullable Void> producer1 = startProducer(ch1, "producer-1", interval);
      Goroutine<@Nullable Void> producer2 = startProducer(ch2, "producer-2", interval);
      boolean open1 = true;
      boolean open2 = true;
      boolean done = false;
      while ((open1 || open2) && !done) {
        try (Timer idle = Timers.timer(IDLE)) { // stopped at once if a message comes first
          Outcome outcome =
              Select.select(
                  ch1.onReceiveOrClosed(r -> handle(r, "ch1")).onlyIf(open1),
                  ch2.onReceiveOrClosed(r -> handle(r, "ch2")).onlyIf(open2),
                  idle.channel().onReceive(t -> Outcome.IDLE),
                  Select.onDone(operation.context(), () -> Outcome.DONE));
          switch (outcome) {
            case HANDLED -> handled++;
            case CLOSED_CH1 -> open1 = false;
            case CLOSED_CH2 -> open2 = false;
            case IDLE -> span.addEvent("no message for " + IDLE.toMillis() + " ms");
            case DONE -> done = true;
          }
        }
      }
      span.setAttribute(HANDLED, (long) handled);
      if (done) {
        span.addEvent("context done");
        try {
          operation.cancellation().throwIfDone();
        } catch (ContextDoneException e) { // the example's point: the deadline ended the loop
          Spans.recordFailure(span, e);
        }
      }
      producer1.join(); // each stops when its context is done, closing its channel
      producer2.join();
      return handled;
    } catch (Exception e) {
      Spans.recordFailure(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /** Handles one receive: a message in a span under its producer's span, or a closed channel. */
  private Outcome handle(Received<String> received, String channel) {
    return switch (received) {
      case Message<String> message -> {
        Span span = message.startSpan("handle-" + channel, SpanRelation.PARENT);
        span.setAttribute(CHANNEL, channel);
        try (Scope ignored = message.context().with(span).makeCurrent()) {
          Work.simulate(HANDLE_WORK);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          Spans.recordFailure(span, e);
        } catch (RuntimeException e) {
          Spans.recordFailure(span, e);
        } finally {
          span.end();
        }
        yield Outcome.HANDLED;
      }
      case Closed<String> closed -> channel.equals("ch1") ? Outcome.CLOSED_CH1 : Outcome.CLOSED_CH2;
    };
  }

  /**
   * The guide's producer: five messages, each sent inside its own {@code produce-message} span,
   * which ends once the message is sent; closes the channel when done or when the context is.
   */
  private Goroutine<@Nullable Void> startProducer(
      Channel<String> channel, String name, Duration interval) {
    return Go.start(
        Context.current(),
        () -> {
          try (channel) {
            for (int i = 0; i < MESSAGES_PER_PRODUCER; i++) {
              Span span =
                  producerTracer
                      .spanBuilder("produce-message")
                      .setAttribute(PRODUCER, name)
                      .setAttribute(INDEX, (long) i)
                      .startSpan();
              try (Scope ignored = span.makeCurrent()) {
                channel.send(name + "-msg-" + i); // the message carries this span
              } finally {
                span.end();
              }
              if (i + 1 < MESSAGES_PER_PRODUCER) {
                Work.simulate(interval);
              }
            }
          } catch (ContextDoneException e) {
            // the operation's deadline: stop producing, as Go's `case <-ctx.Done(): return`
          }
          return null;
        });
  }

  private enum Outcome {
    HANDLED,
    CLOSED_CH1,
    CLOSED_CH2,
    IDLE,
    DONE
  }
}
