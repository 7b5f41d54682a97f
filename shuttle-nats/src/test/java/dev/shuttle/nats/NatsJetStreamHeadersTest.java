package dev.shuttle.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The headers Shuttle writes survive a real JetStream stream, publish to pull-consume. */
class NatsJetStreamHeadersTest {
  private static NatsServer server;
  private static Connection connection;

  @RegisterExtension final TestTelemetry telemetry = new TestTelemetry();

  @BeforeAll
  static void startServer() throws Exception {
    server = NatsServer.start();
    connection = Nats.connect(server.url());
    connection
        .jetStreamManagement()
        .addStream(
            StreamConfiguration.builder()
                .name("JOBS")
                .subjects("jobs.>")
                .storageType(StorageType.File)
                .build());
  }

  @AfterAll
  static void stopServer() throws Exception {
    try {
      if (connection != null) {
        connection.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void traceBaggageAndDeadlineArriveThroughAStream() throws Exception {
    Span span = ShuttleTelemetry.tracer().spanBuilder("send").startSpan();
    Context sender =
        Context.root().with(span).with(Baggage.builder().put("tenant", "acme").build());
    try (CancelableContext timed = Contexts.withTimeout(sender, Duration.ofSeconds(5))) {
      Message received = roundTrip("jobs.traced", timed.context());

      CarriedContext carried = NatsHeaders.read(received.getHeaders(), Context.root());
      SpanContext remote = Span.fromContext(carried.context()).getSpanContext();
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
  void aCancelledSendersCauseArrivesThroughAStream() throws Exception {
    CancelableContext sender = Contexts.withCancel(Context.root());
    sender.cancel(new TimeoutException("caller gave up"));

    Message received = roundTrip("jobs.cancelled", sender.context());

    CarriedContext carried = NatsHeaders.read(received.getHeaders(), Context.root());
    assertThat(carried.cancellation())
        .contains("java.util.concurrent.TimeoutException: caller gave up");
    try (CancelableContext job = carried.cancelableContext()) {
      assertThat(Contexts.isDone(job.context())).isTrue();
      assertThat(Contexts.cause(job.context()))
          .isInstanceOf(RemoteCancellationException.class)
          .hasMessage("java.util.concurrent.TimeoutException: caller gave up");
    }
  }

  /** Publishes one message with headers written from {@code context}, and pull-consumes it. */
  private static Message roundTrip(String subject, Context context) throws Exception {
    JetStream jetStream = connection.jetStream();
    Headers headers = NatsHeaders.write(context, new Headers());
    jetStream.publish(
        NatsMessage.builder()
            .subject(subject)
            .headers(headers)
            .data("job".getBytes(StandardCharsets.UTF_8))
            .build());
    JetStreamSubscription subscription =
        jetStream.subscribe(subject, PullSubscribeOptions.builder().build());
    try {
      List<Message> messages = subscription.fetch(1, Duration.ofSeconds(10));
      assertThat(messages).hasSize(1);
      Message message = messages.get(0);
      message.ack();
      return message;
    } finally {
      subscription.unsubscribe();
    }
  }
}
