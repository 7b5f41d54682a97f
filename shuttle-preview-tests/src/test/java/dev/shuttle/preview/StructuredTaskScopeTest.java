package dev.shuttle.preview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shuttle.Go;
import dev.shuttle.channel.Channel;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Java's structured concurrency (JDK 25, preview) with Shuttle's goroutine threads: {@code
 * StructuredTaskScope} creates each subtask's thread in {@code fork}, so {@link Go#threadFactory()}
 * gives every subtask the forker's trace and deadline, which the JDK's default factory loses (it
 * inherits scoped values, not the thread-local OpenTelemetry context).
 */
@Timeout(20)
class StructuredTaskScopeTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  private final Tracer tracer = sdk.getTracer("test");

  @BeforeEach
  void recordShuttleToTheTestSdk() {
    ShuttleTelemetry.use(sdk);
  }

  @AfterEach
  void restore() {
    ShuttleTelemetry.useGlobal();
    sdk.close();
  }

  @Test
  void subtasksForkedWithShuttlesThreadFactoryContinueTheForkersTraceAndDeadline()
      throws Exception {
    // given
    Span request = tracer.spanBuilder("request").startSpan();
    CancelableContext deadline =
        Contexts.withTimeout(Context.root().with(request), Duration.ofMinutes(1));

    // when
    try (Scope ignored = deadline.makeCurrent();
        var scope =
            StructuredTaskScope.open(
                Joiner.<String>allSuccessfulOrThrow(),
                config -> config.withThreadFactory(Go.threadFactory()))) {
      for (String name : new String[] {"find-user", "fetch-order"}) {
        scope.fork(
            () -> {
              Span child = tracer.spanBuilder(name).startSpan(); // parent: Span.current()
              child.end();
              return name + (Contexts.deadline(Context.current()).isPresent() ? " deadline" : "");
            });
      }
      assertThat(scope.join().map(Subtask::get))
          .containsExactlyInAnyOrder("find-user deadline", "fetch-order deadline");
    } finally {
      request.end();
      deadline.cancel();
    }

    // then
    assertThat(spans.getFinishedSpanItems())
        .filteredOn(s -> !s.getName().equals("request"))
        .hasSize(2)
        .allSatisfy(
            s -> {
              assertThat(s.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
              assertThat(s.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
            });
  }

  @Test
  void theJdksDefaultFactoryLosesTheTraceWhichIsWhyShuttlesExists() throws Exception {
    Span request = tracer.spanBuilder("request").startSpan();
    try (Scope ignored = request.makeCurrent();
        var scope = StructuredTaskScope.open(Joiner.<Boolean>allSuccessfulOrThrow())) {
      scope.fork(() -> Span.current().getSpanContext().isValid());
      assertThat(scope.join().map(Subtask::get)).containsExactly(false);
    } finally {
      request.end();
    }
  }

  @Test
  void cancellingTheForkersContextInterruptsABlockedSubtaskAndFailsTheScope() throws Exception {
    // given
    CancelableContext request = Contexts.withCancel(Context.root());
    CountDownLatch sleeping = new CountDownLatch(1);

    // when / then
    try (Scope ignored = request.makeCurrent();
        var scope =
            StructuredTaskScope.open(
                Joiner.awaitAllSuccessfulOrThrow(),
                config -> config.withThreadFactory(Go.threadFactory()))) {
      scope.fork(
          () -> {
            sleeping.countDown();
            Thread.sleep(60_000); // answers interrupts only
            return null;
          });
      sleeping.await();
      request.cancel();
      assertThatThrownBy(scope::join)
          .isInstanceOf(StructuredTaskScope.FailedException.class)
          .hasCauseInstanceOf(InterruptedException.class);
    }
  }

  @Test
  void aShuttleChannelInASubtaskHonoursTheForkersDeadline() throws Exception {
    // given
    TimeoutException sla = new TimeoutException("SLA");
    CancelableContext timed =
        Contexts.withTimeoutCause(Context.root(), Duration.ofMillis(100), sla);
    Channel<String> never = Channel.rendezvous();

    // when / then
    try (Scope ignored = timed.makeCurrent();
        var scope =
            StructuredTaskScope.open(
                Joiner.<String>awaitAll(),
                config -> config.withThreadFactory(Go.threadFactory()))) {
      Subtask<String> receiver = scope.fork(() -> never.receive());
      scope.join();
      assertThat(receiver.state()).isEqualTo(Subtask.State.FAILED);
      assertThat(receiver.exception())
          .isInstanceOfSatisfying(
              ContextDoneException.class,
              done -> {
                assertThat(done.err()).isEqualTo(ContextError.DEADLINE_EXCEEDED);
                assertThat(done).hasCause(sla);
              });
    }
  }
}
