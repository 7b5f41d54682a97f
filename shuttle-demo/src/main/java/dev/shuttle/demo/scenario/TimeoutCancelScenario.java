package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.Go;
import dev.shuttle.Spans;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;

/**
 * The guide's "超时和取消处理": an operation with a timeout, one cancelled from outside, one with a
 * deadline, each around a long-running operation of {@value #STEPS} steps that stops as soon as its
 * context is done.
 */
public final class TimeoutCancelScenario implements Scenario {
  static final Duration STEP = Duration.ofMillis(20);
  static final int STEPS = 10;
  static final Duration TIMEOUT = STEP.multipliedBy(3);
  static final Duration CANCEL_AFTER = STEP.multipliedBy(2);

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
    Tracer tracer = openTelemetry.getTracer("timeout-cancel");
    try {
      withTimeout(tracer, TIMEOUT);
    } catch (ContextDoneException expected) {
      // the operation outlasts its timeout on purpose
    }
    try {
      withCancel(tracer);
    } catch (ContextDoneException expected) {
      // cancelled on purpose
    }
    withDeadline(tracer, Instant.now().plus(STEP.multipliedBy(STEPS * 3)));
  }

  /**
   * The guide's WithTimeout; Shuttle fixes it: the context's cause is thrown, not replaced by a new
   * error.
   */
  static void withTimeout(Tracer tracer, Duration timeout) throws Exception {
    Span span =
        tracer
            .spanBuilder("operation-with-timeout")
            .setAttribute(longKey("timeout.ms"), timeout.toMillis())
            .startSpan();
    try (Scope ignored = span.makeCurrent();
        CancelableContext ctx = Contexts.withTimeout(Context.current(), timeout)) {
      longRunningOperation(ctx.context()); // returns within a step of the deadline
    } catch (Exception e) {
      Spans.recordFailure(span, e); // status ERROR, timeout.exceeded=true
      throw e;
    } finally {
      span.end();
    }
  }

  /** The guide's WithCancel; Shuttle fixes it: cancel is always called (try-with-resources). */
  static void withCancel(Tracer tracer) throws Exception {
    Span span = tracer.spanBuilder("operation-with-cancel").startSpan();
    try (Scope ignored = span.makeCurrent();
        CancelableContext ctx = Contexts.withCancel(Context.current())) {
      Go.go( // the guide's simulated external cancel signal
          () -> {
            Work.simulate(CANCEL_AFTER);
            ctx.cancel();
          });
      longRunningOperation(ctx.context());
    } catch (Exception e) {
      Spans.recordFailure(span, e); // status ERROR, operation.canceled=true
      throw e;
    } finally {
      span.end();
    }
  }

  /** The guide's WithDeadline: the operation finishes before the deadline. */
  static void withDeadline(Tracer tracer, Instant deadline) throws Exception {
    Span span =
        tracer
            .spanBuilder("operation-with-deadline")
            .setAttribute(stringKey("deadline"), deadline.toString())
            .startSpan();
    try (Scope ignored = span.makeCurrent();
        CancelableContext ctx = Contexts.withDeadline(Context.current(), deadline)) {
      longRunningOperation(ctx.context());
    } catch (Exception e) {
      Spans.recordFailure(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /** The guide's longRunningOperation, on a goroutine whose span Shuttle ends and marks. */
  private static void longRunningOperation(Context ctx) throws Exception {
    Go.start(
            ctx,
            "long-running-operation",
            Attributes.empty(),
            () -> {
              for (int i = 0; i < STEPS; i++) {
                Work.simulate(STEP); // throws once the context is done
                Span.current().addEvent("progress", Attributes.of(longKey("step"), (long) i));
              }
              return null;
            })
        .join();
  }
}
