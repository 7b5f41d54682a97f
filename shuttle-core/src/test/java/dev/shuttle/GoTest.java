package dev.shuttle;

import static dev.shuttle.telemetry.ShuttleAttributes.ERROR_TYPE;
import static dev.shuttle.telemetry.ShuttleAttributes.TASK_INDEX;
import static dev.shuttle.telemetry.ShuttleAttributes.TIMEOUT_EXCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.ShuttleMetricNames;
import dev.shuttle.testing.TelemetryExtension;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(10)
class GoTest {
  private static final ContextKey<String> REQUEST = ContextKey.named("request");

  @RegisterExtension final TelemetryExtension telemetry = new TelemetryExtension();

  @Test
  void goroutineRunsOnAVirtualThreadWithTheGivenContextCurrent() throws Exception {
    // given
    Context context = Context.root().with(REQUEST, "r-1");

    // when
    Goroutine<String> g =
        Go.start(
            context,
            () -> Thread.currentThread().isVirtual() + ":" + Context.current().get(REQUEST));

    // then
    assertThat(g.join()).isEqualTo("true:r-1");
    assertThat(g.isDone()).isTrue();
    assertThat(g.context()).isSameAs(context);
  }

  @Test
  void plainOpenTelemetryCodeInsideSeesTheCallersSpan() throws Exception {
    // given
    Span parent = telemetry.sdk().getTracer("test").spanBuilder("parent-operation").startSpan();

    // when
    try (Scope ignored = parent.makeCurrent()) {
      Go.start(
              () -> {
                telemetry.sdk().getTracer("test").spanBuilder("goroutine-1").startSpan().end();
                return null;
              })
          .join();
    } finally {
      parent.end();
    }

    // then
    SpanData child = telemetry.span("goroutine-1");
    assertThat(child.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(child.getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
  }

  @Test
  void tracedGoroutineOpensAChildSpanWithTheCallersNameAndAttributes() throws Exception {
    // given
    Span parent = telemetry.sdk().getTracer("test").spanBuilder("parent").startSpan();
    Context context = Context.root().with(parent);

    // when
    Go.start(context, "process-task", Attributes.of(TASK_INDEX, 3L), () -> "ok").join();
    parent.end();

    // then
    SpanData span = telemetry.span("process-task");
    assertThat(span.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(span.getAttributes().get(TASK_INDEX)).isEqualTo(3L);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void joinRethrowsTheTasksOwnExceptionAndTheSpanRecordsIt() {
    // given
    IOException failure = new IOException("disk full");

    // when
    Goroutine<Object> g =
        Go.start(
            Context.root(),
            "write",
            Attributes.empty(),
            () -> {
              throw failure;
            });

    // then
    assertThatThrownBy(g::join).isSameAs(failure);
    SpanData span = telemetry.span("write");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo("disk full");
    assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("java.io.IOException");
    assertThat(span.getEvents()).anyMatch(e -> e.getName().equals("exception"));
  }

  @Test
  void aGoroutineEndedByItsDeadlineSaysSoOnItsSpan() {
    // given
    CancelableContext timed =
        Contexts.withTimeoutCause(
            Context.root(), Duration.ofMillis(20), new TimeoutException("SLA 20 ms"));

    // when
    Goroutine<Object> g =
        Go.start(
            timed.context(),
            "sla-operation",
            Attributes.empty(),
            () -> {
              Contexts.cancellation(Context.current()).await();
              Contexts.cancellation(Context.current()).throwIfDone();
              return null;
            });

    // then
    assertThatThrownBy(g::join).isInstanceOf(ContextDoneException.class);
    SpanData span = telemetry.span("sla-operation");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo("SLA 20 ms");
    assertThat(span.getAttributes().get(TIMEOUT_EXCEEDED)).isTrue();
  }

  @Test
  void joinWithATimeoutGivesUpOnAGoroutineThatIsStillRunning() throws Exception {
    // given
    CancelableContext c = Contexts.withCancel(Context.root());
    Goroutine<Object> g =
        Go.start(
            c.context(),
            () -> {
              Contexts.cancellation(Context.current()).await();
              return "done";
            });

    // then
    assertThatThrownBy(() -> g.join(Duration.ofMillis(20)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("still running");
    c.cancel();
    assertThat(g.join(Duration.ofSeconds(5))).isEqualTo("done");
  }

  @Test
  void aFireAndForgetFailureReachesTheUncaughtHandlerAndTheCounter() throws Exception {
    // given
    CompletableFuture<Throwable> handled = new CompletableFuture<>();
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> handled.complete(e));
    IllegalStateException failure = new IllegalStateException("lost?");

    // when
    try {
      Go.go(
          Context.root(),
          "background-job",
          Attributes.empty(),
          () -> {
            throw failure;
          });

      // then
      assertThat(handled.get(5, TimeUnit.SECONDS)).isSameAs(failure);
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
    assertThat(
            telemetry.longSum(
                ShuttleMetricNames.GOROUTINES_UNCAUGHT,
                ERROR_TYPE,
                "java.lang.IllegalStateException"))
        .isEqualTo(1);
    assertThat(telemetry.span("background-job").getStatus().getStatusCode())
        .isEqualTo(StatusCode.ERROR);
  }

  @Test
  void startedAndActiveGoroutinesAreCounted() throws Exception {
    // when
    for (int i = 0; i < 5; i++) {
      Go.start(Context.root(), () -> 1).join();
    }

    // then
    assertThat(telemetry.longSum(ShuttleMetricNames.GOROUTINES_STARTED)).isEqualTo(5);
    assertThat(telemetry.longSum(ShuttleMetricNames.GOROUTINES_ACTIVE)).isZero();
  }

  @Test
  void badInputIsAClearException() {
    assertThatThrownBy(() -> Go.go(Context.root(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("task");
    assertThatThrownBy(() -> Go.start(null, () -> 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("context");
    assertThatThrownBy(() -> Go.go(Context.root(), null, Attributes.empty(), () -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("spanName");
  }
}
