package dev.shuttle.demo.scenario;

import static dev.shuttle.telemetry.ShuttleAttributes.TASK_DETACHED;
import static dev.shuttle.telemetry.ShuttleAttributes.TASK_NAME;
import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import dev.shuttle.Go;
import dev.shuttle.Goroutine;
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
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The guide's "WithoutCancel 和 WithDeadlineCause": a detached task that keeps its request's trace
 * and outlives it, an SLA deadline whose cause names the SLA, and cascading per-tier timeouts.
 */
public final class ContextCauseScenario implements Scenario {
  static final Duration DETACHED_WORK = Duration.ofMillis(100);
  static final Duration SLA = Duration.ofMillis(200);
  static final Duration SLOW_SERVICE = Duration.ofSeconds(5); // far beyond the SLA
  static final Duration CACHE_TIMEOUT = Duration.ofMillis(50);
  static final Duration CACHE_WORK = Duration.ofSeconds(5); // far beyond its timeout
  static final Duration DB_TIMEOUT = Duration.ofSeconds(2);
  static final Duration DB_WORK = Duration.ofMillis(50);

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
    Span request = openTelemetry.getTracer("http-server").spanBuilder("handle-request").startSpan();
    Goroutine<@Nullable Void> detached;
    try (Scope ignored = request.makeCurrent();
        CancelableContext requestContext = Contexts.withCancel(Context.current())) {
      detached = startDetachedTask(requestContext.context(), "send-audit-log");
    } finally {
      request.end(); // the request is cancelled and over; its detached task carries on
    }
    detached.join(); // only so that the demo shows its span

    try {
      execute(openTelemetry.getTracer("sla-service"));
    } catch (ContextDoneException expected) {
      // the slow service violates the SLA on purpose; the exception's cause is the SLA's error
    }
    processWithTiers(openTelemetry.getTracer("cascading-timeouts"));
  }

  /** The guide's StartDetachedTask: keeps the parent's trace, drops its cancellation. */
  static Goroutine<@Nullable Void> startDetachedTask(Context parent, String taskName) {
    Context detachedContext = Contexts.withoutCancel(parent);
    return Go.start(
        detachedContext,
        "detached-task",
        Attributes.of(TASK_NAME, taskName, TASK_DETACHED, true),
        () -> {
          Work.simulate(DETACHED_WORK); // the parent's cancellation does not reach it
          Span.current().addEvent("background task done");
          Span.current().setAttribute(stringKey("completion.time"), Instant.now().toString());
          return null;
        });
  }

  /** The guide's ServiceWithSLA.Execute: the deadline's cause says which SLA was violated. */
  static void execute(Tracer tracer) throws Exception {
    TimeoutException slaViolation =
        new TimeoutException(
            "SLA timeout: the service must answer within " + SLA.toMillis() + " ms");
    try (CancelableContext ctx =
        Contexts.withDeadlineCause(Context.current(), Instant.now().plus(SLA), slaViolation)) {
      Span span = tracer.spanBuilder("sla-operation").setParent(ctx.context()).startSpan();
      try (Scope ignored = ctx.context().with(span).makeCurrent()) {
        Work.simulate(SLOW_SERVICE); // stops at the deadline
      } catch (ContextDoneException e) { // its cause is slaViolation: Contexts.cause(ctx.context())
        Spans.recordFailure(span, e); // failure.cause, timeout.exceeded, status ERROR
        span.setAttribute(booleanKey("sla.violated"), true);
        throw e;
      } finally {
        span.end();
      }
    }
  }

  /** The guide's CascadingTimeoutsManager: the cache tier may time out; the database may not. */
  static void processWithTiers(Tracer tracer) throws Exception {
    Span span = tracer.spanBuilder("tiered-processing").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      try (CancelableContext cacheCtx =
          Contexts.withTimeoutCause(
              Context.current(), CACHE_TIMEOUT, new TimeoutException("cache lookup timed out"))) {
        tier(tracer, cacheCtx.context(), "check-cache", CACHE_WORK);
      } catch (ContextDoneException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        span.addEvent(
            "cache lookup failed", Attributes.of(stringKey("cause"), "" + cause.getMessage()));
        // carry on without the cache
      }
      try (CancelableContext dbCtx =
          Contexts.withTimeoutCause(
              Context.current(), DB_TIMEOUT, new TimeoutException("database query timed out"))) {
        tier(tracer, dbCtx.context(), "query-database", DB_WORK);
      }
    } catch (Exception e) {
      Spans.recordFailure(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /** The guide's checkCache and queryDatabase: work in a span under the tier's own deadline. */
  private static void tier(Tracer tracer, Context ctx, String spanName, Duration work)
      throws Exception {
    Span span = tracer.spanBuilder(spanName).setParent(ctx).startSpan();
    try (Scope ignored = ctx.with(span).makeCurrent()) {
      Work.simulate(work);
    } catch (Exception e) {
      Spans.recordFailure(span, e);
      throw e;
    } finally {
      span.end();
    }
  }
}
