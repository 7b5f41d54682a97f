package dev.shuttle.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextError;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NatsHeadersTest {
  @RegisterExtension final TestTelemetry telemetry = new TestTelemetry();

  @Test
  void traceBaggageAndDeadlineMakeTheRoundTrip() {
    Span span = ShuttleTelemetry.tracer().spanBuilder("send").startSpan();
    Context sender =
        Context.root().with(span).with(Baggage.builder().put("tenant", "acme").build());
    try (CancelableContext timed = Contexts.withTimeout(sender, Duration.ofSeconds(5))) {
      Headers headers = NatsHeaders.write(timed.context(), new Headers());

      assertThat(headers.getFirst("traceparent")).contains(span.getSpanContext().getTraceId());
      assertThat(headers.getFirst(NatsHeaders.DEADLINE))
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
      assertThat(headers.containsKey(NatsHeaders.CANCELLED)).isFalse();

      CarriedContext carried = NatsHeaders.read(headers, Context.root());
      SpanContext remote = Span.fromContext(carried.context()).getSpanContext();
      assertThat(remote.isRemote()).isTrue();
      assertThat(remote.getTraceId()).isEqualTo(span.getSpanContext().getTraceId());
      assertThat(remote.getSpanId()).isEqualTo(span.getSpanContext().getSpanId());
      assertThat(Baggage.fromContext(carried.context()).getEntryValue("tenant")).isEqualTo("acme");
      assertThat(carried.deadline()).isEqualTo(Contexts.deadline(timed.context()));
      assertThat(carried.cancellation()).isEmpty();
    } finally {
      span.end();
    }
  }

  @Test
  void theCarriedDeadlineHoldsInTheConsumersShuttleContext() {
    Instant deadline = Instant.now().plusSeconds(30);
    try (CancelableContext sender = Contexts.withDeadline(Context.root(), deadline)) {
      CarriedContext carried =
          NatsHeaders.read(NatsHeaders.write(sender.context(), new Headers()), Context.root());
      try (CancelableContext job = carried.cancelableContext()) {
        assertThat(Contexts.deadline(job.context())).contains(deadline);
        assertThat(Contexts.isDone(job.context())).isFalse();
      }
    }
  }

  @Test
  void aPassedDeadlineMakesTheConsumersContextDoneAtOnce() {
    Headers headers = new Headers().put(NatsHeaders.DEADLINE, "2020-01-01T00:00:00.000000000Z");
    try (CancelableContext job = NatsHeaders.read(headers, Context.root()).cancelableContext()) {
      assertThat(Contexts.err(job.context())).isEqualTo(ContextError.DEADLINE_EXCEEDED);
    }
  }

  @Test
  void aCancelledSendersCauseArrivesAsPrintableAscii() {
    CancelableContext sender = Contexts.withCancel(Context.root());
    sender.cancel(new IllegalStateException("shut down\r\nnow: caf\u00e9"));
    Headers headers = NatsHeaders.write(sender.context(), new Headers());

    String expected = "java.lang.IllegalStateException: shut down??now: caf?";
    assertThat(headers.getFirst(NatsHeaders.CANCELLED)).isEqualTo(expected);
    CarriedContext carried = NatsHeaders.read(headers, Context.root());
    assertThat(carried.cancellation()).contains(expected);
    try (CancelableContext job = carried.cancelableContext()) {
      assertThat(Contexts.err(job.context())).isEqualTo(ContextError.CANCELED);
      assertThat(Contexts.cause(job.context()))
          .isInstanceOf(RemoteCancellationException.class)
          .hasMessage(expected);
    }
  }

  @Test
  void aLongCauseIsCutToTheBound() {
    CancelableContext sender = Contexts.withCancel(Context.root());
    sender.cancel(new IllegalStateException("x".repeat(1000)));
    String written =
        NatsHeaders.write(sender.context(), new Headers()).getFirst(NatsHeaders.CANCELLED);
    assertThat(written).hasSize(NatsHeaders.MAX_CANCELLED_LENGTH).endsWith("...");
  }

  @Test
  void aReusedInstanceKeepsNoStaleShuttleHeaders() {
    Headers headers =
        new Headers()
            .put(NatsHeaders.DEADLINE, "2030-01-01T00:00:00.000000000Z")
            .put(NatsHeaders.CANCELLED, "old");
    NatsHeaders.write(Context.root(), headers);
    assertThat(headers.containsKey(NatsHeaders.DEADLINE)).isFalse();
    assertThat(headers.containsKey(NatsHeaders.CANCELLED)).isFalse();
  }

  @Test
  void missingHeadersReadAsNothingCarried() {
    Context parent = Context.root().with(Baggage.builder().put("local", "1").build());
    for (Headers headers : List.of(new Headers(), new Headers().put("other", "x"))) {
      CarriedContext carried = NatsHeaders.read(headers, parent);
      assertThat(Span.fromContext(carried.context()).getSpanContext().isValid()).isFalse();
      assertThat(carried.deadline()).isEmpty();
      assertThat(carried.cancellation()).isEmpty();
    }
    CarriedContext none = NatsHeaders.read(null, parent);
    assertThat(none.context()).isSameAs(parent);
    assertThat(none.deadline()).isEmpty();
    assertThat(none.cancellation()).isEmpty();
  }

  @Test
  void malformedHeadersAreIgnored() {
    Headers headers =
        new Headers()
            .put("traceparent", "00-not-a-trace-01")
            .put(NatsHeaders.DEADLINE, "tomorrow at noon")
            .put(NatsHeaders.CANCELLED, "first", "second");
    CarriedContext carried = NatsHeaders.read(headers, Context.root());
    assertThat(Span.fromContext(carried.context()).getSpanContext().isValid()).isFalse();
    assertThat(carried.deadline()).isEmpty();
    assertThat(carried.cancellation()).isEmpty();
  }

  @Test
  void oversizedHeadersAreIgnored() {
    Headers headers =
        new Headers()
            .put("baggage", "big=" + "v".repeat(NatsHeaders.MAX_PROPAGATED_LENGTH))
            .put(NatsHeaders.DEADLINE, "2030-01-01T00:00:00." + "0".repeat(60) + "Z")
            .put(NatsHeaders.CANCELLED, "c".repeat(NatsHeaders.MAX_CANCELLED_LENGTH + 1));
    CarriedContext carried = NatsHeaders.read(headers, Context.root());
    assertThat(Baggage.fromContext(carried.context()).isEmpty()).isTrue();
    assertThat(carried.deadline()).isEmpty();
    assertThat(carried.cancellation()).isEmpty();
  }

  @Test
  void aValueJustWithinItsBoundIsRead() {
    String value = "v".repeat(NatsHeaders.MAX_PROPAGATED_LENGTH - "big=".length());
    Headers headers =
        new Headers()
            .put("baggage", "big=" + value)
            .put(NatsHeaders.CANCELLED, "c".repeat(NatsHeaders.MAX_CANCELLED_LENGTH));
    CarriedContext carried = NatsHeaders.read(headers, Context.root());
    assertThat(Baggage.fromContext(carried.context()).getEntryValue("big")).isEqualTo(value);
    assertThat(carried.cancellation()).hasValueSatisfying(text -> assertThat(text).hasSize(256));
  }
}
