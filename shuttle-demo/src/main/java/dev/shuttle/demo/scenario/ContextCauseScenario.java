package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.Go;
import dev.shuttle.Goroutine;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.ShuttleAttributes;
import dev.shuttle.telemetry.Spans;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The guide's "WithoutCancel 和 WithDeadlineCause": a detached task that outlives its cancelled
 * request, an SLA deadline whose cause names the SLA, and cascading per-tier timeouts.
 */
public final class ContextCauseScenario implements Scenario {
  static final Duration DETACHED_WORK = Duration.ofMillis(50);
  static final Duration SLA = Duration.ofMillis(200);
  // Work that must be cut short takes far longer than its deadline, and work that must finish far
  // less, so the outcome does not hang on how promptly a loaded machine fires a timer.
  static final Duration SLOW_SERVICE = Duration.ofSeconds(5);
  static final Duration CACHE_TIMEOUT = Duration.ofMillis(50);
  static final Duration CACHE_WORK = Duration.ofSeconds(5);
  static final Duration DB_TIMEOUT = Duration.ofSeconds(2);
  static final Duration DB_WORK = Duration.ofMillis(50);

  private Tracer background = OpenTelemetry.noop().getTracer("background-tasks");
  private Tracer sla = background;
  private Tracer cascading = background;

  @Override
  public String name() {
    return "context-cause";
  }

  @Override
  public String description() {
    return "withoutCancel for detached work, withDeadlineCause for an SLA, cascading timeouts";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    background = openTelemetry.getTracer("background-tasks");
    sla = openTelemetry.getTracer("sla-service");
    cascading = openTelemetry.getTracer("cascading-timeouts");

    Goroutine<@Nullable Void> detached;
    try (CancelableContext request = Contexts.withCancel(Context.current())) {
      detached = startDetachedTask(request.context(), "send-audit-log");
    } // the request is cancelled here; the detached task carries on
    detached.join(); // only so the demo can show its span before it exits

    try {
      executeWithSla(Context.current());
      throw new IllegalStateException("the slow service should have violated the SLA");
    } catch (SlaViolation expected) {
      // the point of the example: the cause names the SLA
    }
    processWithTiers(Context.current());
  }

  /** The guide's StartDetachedTask: keeps the trace, drops the parent's cancellation. */
  Goroutine<@Nullable Void> startDetachedTask(Context parent, String taskName) {
    Context detachedContext = Contexts.withoutCancel(parent);
    return Go.start(
        detachedContext,
        () -> {
          Span span =
              background
                  .spanBuilder("detached-task")
                  .setAttribute(ShuttleAttributes.TASK_NAME, taskName)
                  .setAttribute(ShuttleAttributes.TASK_DETACHED, true)
                  .startSpan();
          try (Scope ignored = span.makeCurrent()) {
            Work.simulate(DETACHED_WORK); // not cut short: the parent's cancel does not reach it
            span.addEvent("background task done");
            span.setAttribute(stringKey("completion.time"), Instant.now().toString());
            return null;
          } finally {
            span.end();
          }
        });
  }

  /** The guide's ServiceWithSLA.Execute: the deadline's cause says which SLA was violated. */
  void executeWithSla(Context parent) throws Exception {
    SlaViolation violation =
        new SlaViolation("SLA timeout: the service must answer within " + SLA.toMillis() + " ms");
    try (CancelableContext deadline = Contexts.withTimeoutCause(parent, SLA, violation)) {
      Span span = sla.spanBuilder("sla-operation").setParent(deadline.context()).startSpan();
      try (Scope ignored = deadline.context().with(span).makeCurrent()) {
        Work.simulate(SLOW_SERVICE); // gives up at the SLA deadline
      } catch (ContextDoneException e) {
        Throwable cause = Objects.requireNonNull(Contexts.cause(deadline.context()));
        span.recordException(cause);
        span.setStatus(StatusCode.ERROR, "SLA violated");
        span.setAttribute(ShuttleAttributes.FAILURE_CAUSE, String.valueOf(cause.getMessage()));
        span.setAttribute(booleanKey("sla.violated"), true);
        if (cause instanceof SlaViolation slaViolation) {
          throw slaViolation;
        }
        throw e;
      } finally {
        span.end();
      }
    }
  }

  /** The guide's CascadingTimeoutsManager: the cache tier may time out; the database may not. */
  void processWithTiers(Context parent) throws Exception {
    Span span = cascading.spanBuilder("tiered-processing").setParent(parent).startSpan();
    Context traced = parent.with(span);
    try {
      try (CancelableContext cacheContext =
          Contexts.withTimeoutCause(
              traced, CACHE_TIMEOUT, new TimeoutException("cache lookup timed out"))) {
        try {
          tier(cacheContext.context(), "check-cache", CACHE_WORK);
        } catch (ContextDoneException e) {
          Throwable cause = Objects.requireNonNull(Contexts.cause(cacheContext.context()));
          span.addEvent(
              "cache lookup failed",
              Attributes.of(stringKey("cause"), String.valueOf(cause.getMessage())));
          // carry on without the cache
        }
      }
      try (CancelableContext dbContext =
          Contexts.withTimeoutCause(
              traced, DB_TIMEOUT, new TimeoutException("database query timed out"))) {
        tier(dbContext.context(), "query-database", DB_WORK);
      }
    } catch (Exception e) {
      Spans.recordFailure(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  private void tier(Context context, String spanName, Duration work) throws Exception {
    Span span = cascading.spanBuilder(spanName).setParent(context).startSpan();
    try (Scope ignored = context.with(span).makeCurrent()) {
      Work.simulate(work);
    } catch (Exception e) {
      Spans.recordFailure(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /** The SLA's own error, as the guide's {@code slaViolationErr}. */
  static final class SlaViolation extends Exception {
    private static final long serialVersionUID = 1L;

    SlaViolation(String message) {
      super(message);
    }
  }
}
