package dev.shuttle.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.channel.SpanRelation;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Contexts;
import dev.shuttle.otel.ShuttleOtel;
import dev.shuttle.receiver.OtlpReceiver;
import dev.shuttle.receiver.ReceiverConfig;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.TelemetryStore;
import dev.shuttle.telemetry.ChannelAttributes;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One trace across two processes: this JVM sends on a {@link NatsChannel} inside a request span, a
 * child JVM ({@link ChannelChild}) receives and processes the values, and both export over real
 * OTLP/HTTP to Shuttle's embedded receiver; the assertions read what the receiver stored.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NatsChannelTraceAcrossProcessesTest {
  private static final String SERVICE = "nats-channel-parent";
  private static final int VALUES = 4;
  private static final String LAST = "v-last";

  private static NatsServer server;
  private static Connection nats;

  @BeforeAll
  static void startServer() throws Exception {
    server = NatsServer.start();
    nats = Nats.connect(server.url());
  }

  @AfterAll
  static void stopServer() throws Exception {
    try {
      nats.close();
    } finally {
      server.close();
    }
  }

  @ParameterizedTest
  @EnumSource(SpanRelation.class)
  void theChildsSpansJoinTheSendersTraceAndItSeesTheSendersDeadline(SpanRelation relation)
      throws Exception {
    String name = "trace-" + relation.name().toLowerCase(Locale.ROOT);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < VALUES - 1; i++) {
      values.add("v-" + i);
    }
    values.add(LAST);
    try (OtlpReceiver receiver =
            OtlpReceiver.start(
                ReceiverConfig.builder()
                    .bindAddress("127.0.0.1")
                    .httpPort(0)
                    .grpcPort(ReceiverConfig.DISABLED)
                    .build());
        ShuttleOtel otel = ChannelChild.otlp(SERVICE, receiver.httpEndpoint())) {
      // given the values sent from this process inside a request span, the last with a deadline
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      ShuttleTelemetry.use(otel.openTelemetry());
      try {
        NatsChannel<String> out =
            NatsChannel.builder(nats, name, Codec.utf8()).capacity(16).build();
        Span request = ShuttleTelemetry.tracer().spanBuilder("request").startSpan();
        Context inRequest = Context.root().with(request);
        for (String value : values.subList(0, VALUES - 1)) {
          out.send(inRequest, value, value); // the value is its message id
        }
        try (CancelableContext timed = Contexts.withDeadline(inRequest, deadline)) {
          out.send(timed.context(), LAST, LAST);
        }
        request.end();
        out.detach();
      } finally {
        ShuttleTelemetry.useGlobal();
      }

      // when a child JVM receives and processes them, exporting its spans, and exits
      long childPid;
      List<String> printed;
      try (ChildJvmProcess child =
          ChildJvmProcess.start(
              ChannelChild.class,
              List.of(
                  "trace",
                  server.url(),
                  name,
                  "16",
                  receiver.httpEndpoint(),
                  relation.name(),
                  Integer.toString(VALUES)))) {
        int exit = child.exitCode(Duration.ofSeconds(45));
        assertThat(exit)
            .as("the child's exit code; its output: %s %s", child.out(), child.err())
            .isZero();
        childPid = child.pid();
        printed = child.out();
      }
      assertThat(otel.flush()).as("this process's export").isTrue();
      TelemetryStore store = receiver.store();
      // request + VALUES sends here, VALUES receives and VALUES process spans in the child
      assertThat(store.awaitSpans(1 + 3L * VALUES, Duration.ofSeconds(10)))
          .as("spans received: %s", store.spansReceived())
          .isTrue();

      // then every span of the child is in, or linked to, the trace of the send that carried it
      List<StoredSpan> spans =
          store.traces().stream().flatMap(trace -> trace.spans().stream()).toList();
      StoredSpan requestSpan = only(spans, "request");
      Map<String, StoredSpan> sends =
          byValue(
              spans, "send shuttle.chan." + name, ChannelAttributes.MESSAGING_MESSAGE_ID.getKey());
      Map<String, StoredSpan> receives =
          byValue(
              spans,
              "receive shuttle.chan." + name,
              ChannelAttributes.MESSAGING_MESSAGE_ID.getKey());
      Map<String, StoredSpan> processes =
          byValue(spans, ChannelChild.PROCESS_SPAN, ChannelChild.VALUE.getKey());
      assertThat(sends).containsOnlyKeys(values);
      assertThat(receives).containsOnlyKeys(values);
      assertThat(processes).containsOnlyKeys(values);
      String parentPid = Long.toString(ProcessHandle.current().pid());
      assertThat(childPid).isNotEqualTo(ProcessHandle.current().pid());
      for (String value : values) {
        StoredSpan send = sends.get(value);
        assertThat(send.parentSpanId()).isEqualTo(requestSpan.spanId());
        assertThat(send.traceId()).isEqualTo(requestSpan.traceId());
        assertThat(send.serviceName()).isEqualTo(SERVICE);
        assertThat(resource(send, ChannelChild.PID)).isEqualTo(parentPid);
        for (StoredSpan consumer : List.of(receives.get(value), processes.get(value))) {
          assertThat(consumer.serviceName()).as(consumer.name()).isEqualTo(ChannelChild.SERVICE);
          assertThat(resource(consumer, ChannelChild.PID))
              .as(consumer.name())
              .isEqualTo(Long.toString(childPid));
          if (relation == SpanRelation.PARENT) {
            assertThat(consumer.traceId()).as(consumer.name()).isEqualTo(send.traceId());
            assertThat(consumer.parentSpanId()).as(consumer.name()).isEqualTo(send.spanId());
          } else {
            assertThat(consumer.traceId()).as(consumer.name()).isNotEqualTo(send.traceId());
            assertThat(links(consumer))
                .as(consumer.name())
                .containsExactly(send.traceId() + "/" + send.spanId());
          }
        }
      }

      // and the child saw the sender's deadline on the value sent with one, and on no other
      String seen = deadline.toString();
      assertThat(printed).contains("got " + LAST + " deadline=" + seen, "done");
      assertThat(Instant.parse(attribute(processes.get(LAST), ChannelChild.DEADLINE.getKey())))
          .isEqualTo(deadline);
      for (String value : values.subList(0, VALUES - 1)) {
        assertThat(printed).contains("got " + value + " deadline=none");
        assertThat(attribute(processes.get(value), ChannelChild.DEADLINE.getKey()))
            .isEqualTo("none");
      }
    }
  }

  private static StoredSpan only(List<StoredSpan> spans, String name) {
    List<StoredSpan> named = spans.stream().filter(s -> s.name().equals(name)).toList();
    assertThat(named).as("spans named %s", name).hasSize(1);
    return named.getFirst();
  }

  /** The spans named {@code name}, by their attribute {@code key}, which must be unique. */
  private static Map<String, StoredSpan> byValue(List<StoredSpan> spans, String name, String key) {
    return spans.stream()
        .filter(s -> s.name().equals(name))
        .collect(Collectors.toMap(s -> attribute(s, key), Function.identity()));
  }

  private static String attribute(StoredSpan span, String key) {
    return text(span.span().getAttributesList(), key);
  }

  private static String resource(StoredSpan span, String key) {
    return text(span.resource().getAttributesList(), key);
  }

  private static String text(List<KeyValue> attributes, String key) {
    return attributes.stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(KeyValue::getValue)
        .map(AnyValue::getStringValue)
        .findFirst()
        .orElse("(absent)");
  }

  /** The span's links as {@code traceId/spanId}. */
  private static List<String> links(StoredSpan span) {
    HexFormat hex = HexFormat.of();
    return span.span().getLinksList().stream()
        .map(
            link ->
                hex.formatHex(link.getTraceId().toByteArray())
                    + "/"
                    + hex.formatHex(link.getSpanId().toByteArray()))
        .toList();
  }
}
