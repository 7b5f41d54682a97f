package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.Go;
import dev.shuttle.Goroutine;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.Spans;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * The guide's "超时和取消处理": an operation with a timeout, one cancelled from outside, one with a
 * deadline, each around a long-running operation that checks its context between steps.
 *
 * <p>Fixed guide defects: {@code cancel} is always deferred (try-with-resources), and the timeout
 * branch returns the context's cause instead of replacing it with a new error.
 */
public final class TimeoutCancelScenario implements Scenario {
  static final Duration STEP = Duration.ofMillis(20);
  static final int STEPS = 10;

  private Tracer tracer = OpenTelemetry.noop().getTracer("timeout-cancel");

  @Override
  public String name() {
    return "timeout-cancel";
  }

  @Override
  public String description() {
    return "withTimeout, withCancel and withDeadline around a long-running operation";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    tracer = openTelemetry.getTracer("timeout-cancel");
    expectDone(() -> withTimeout(Context.current(), STEP.multipliedBy(3)));
    expectDone(() -> withCancel(Context.current(), STEP.multipliedBy(2)));
    withDeadline(Context.current(), Instant.now().plus(STEP.multipliedBy(STEPS * 3)));
  }

  /** The guide's WithTimeout: the operation outlasts the timeout. */
  void withTimeout(Context parent, Duration timeout) throws Exception {
    Span span =
        tracer
            .spanBuilder("operation-with-timeout")
            .setParent(parent)
            .setAttribute(longKey("timeout.ms"), timeout.toMillis())
            .startSpan();
    try (CancelableContext timed = Contexts.withTimeout(parent.with(span), timeout);
        Scope ignored = timed.makeCurrent()) {
      Goroutine<@Nullable Void> operation = Go.start(this::longRunningOperation);
      operation.join(); // returns within one step of the deadline: the operation checks it
    } catch (Exception e) {
      Spans.recordFailure(span, e); // timeout.exceeded=true, status ERROR with the cause
      throw e;
    } finally {
      span.end();
    }
  }

  /** The guide's WithCancel: something outside cancels the operation after {@code after}. */
  void withCancel(Context parent, Duration after) throws Exception {
    Span span = tracer.spanBuilder("operation-with-cancel").setParent(parent).startSpan();
    try (CancelableContext cancellable = Contexts.withCancel(parent.with(span));
        Scope ignored = cancellable.makeCurrent()) {
      Goroutine<@Nullable Void> operation = Go.start(this::longRunningOperation);
      Go.go( // the guide's simulated external cancel signal
          () -> {
            Work.simulate(after);
            cancellable.cancel();
          });
      operation.join();
    } catch (Exception e) {
      Spans.recordFailure(span, e); // operation.canceled=true
      throw e;
    } finally {
      span.end();
    }
  }

  /** The guide's WithDeadline: the operation finishes before the deadline. */
  void withDeadline(Context parent, Instant deadline) throws Exception {
    Span span =
        tracer
            .spanBuilder("operation-with-deadline")
            .setParent(parent)
            .setAttribute(stringKey("deadline"), DateTimeFormatter.ISO_INSTANT.format(deadline))
            .startSpan();
    try (CancelableContext timed = Contexts.withDeadline(parent.with(span), deadline);
        Scope ignored = timed.makeCurrent()) {
      longRunningOperation();
    } catch (Exception e) {
      Spans.recordFailure(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /** Ten steps with a progress event each, stopping as soon as the context is done. */
  private @Nullable Void longRunningOperation() throws Exception {
    Span span = tracer.spanBuilder("long-running-operation").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      for (int i = 0; i < STEPS; i++) {
        Work.simulate(STEP);
        span.addEvent("progress", Attributes.of(longKey("step"), (long) i));
      }
      return null;
    } catch (Exception e) {
      Spans.recordFailure(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  private static void expectDone(Step step) throws Exception {
    try {
      step.run();
      throw new IllegalStateException("the operation should have been cut short");
    } catch (ContextDoneException expected) {
      // the point of the example
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }
}
