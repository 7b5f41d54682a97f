package dev.shuttle.nats;

import dev.shuttle.channel.Message;
import dev.shuttle.channel.SpanRelation;
import dev.shuttle.context.Contexts;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.otel.ShuttleOtel;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The other process of the cross-process tests, run by {@link ChildJvmProcess}: it opens a {@link
 * NatsChannel} by name on the same server and receives from it, printing one line per value to
 * standard output.
 *
 * <ul>
 *   <li>{@code trace <url> <channel> <capacity> <otlp-endpoint> <LINK|PARENT> <count>}: exports
 *       over OTLP as service {@value #SERVICE}, receives {@code count} messages and processes each
 *       with {@link Message#process}, its span carrying the value and the deadline the message
 *       brought; prints {@code got <value> deadline=<instant|none>}, then {@code done} once the
 *       spans are exported.
 *   <li>{@code hold <url> <channel> <capacity> <receivers> <freeze-after>}: {@code receivers}
 *       goroutines receive and print {@code got <value>}; once {@code freeze-after} values are
 *       taken each stops taking more, and when all have stopped it prints {@code frozen}. The
 *       channel's receiving thread keeps pulling for them (a value it pulled and cannot hand over
 *       is in flight), until the test kills the process.
 * </ul>
 */
final class ChannelChild {
  static final String SERVICE = "nats-channel-child";
  static final String PROCESS_SPAN = "process-value";
  static final AttributeKey<String> VALUE = AttributeKey.stringKey("test.value");
  static final AttributeKey<String> DEADLINE = AttributeKey.stringKey("test.deadline");
  static final String PID = "process.pid";

  private ChannelChild() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "trace" -> trace(args);
      case "hold" -> hold(args);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void trace(String[] args) throws Exception {
    String url = args[1];
    String name = args[2];
    int capacity = Integer.parseInt(args[3]);
    String endpoint = args[4];
    SpanRelation relation = SpanRelation.valueOf(args[5]);
    int count = Integer.parseInt(args[6]);
    ShuttleOtel otel = otlp(SERVICE, endpoint);
    ShuttleTelemetry.use(otel.openTelemetry());
    try (Connection nats = Nats.connect(url)) {
      NatsChannel<String> channel =
          NatsChannel.builder(nats, name, Codec.utf8())
              .capacity(capacity)
              .spanRelation(relation)
              .build();
      for (int i = 0; i < count; i++) {
        Message<String> message = channel.receiveMessage(Context.root());
        String deadline =
            Contexts.deadline(message.context()).map(Instant::toString).orElse("none");
        message.process(
            PROCESS_SPAN,
            Attributes.of(VALUE, message.value(), DEADLINE, deadline),
            relation,
            v -> {});
        System.out.println("got " + message.value() + " deadline=" + deadline);
      }
      channel.detach();
    } finally {
      otel.close(); // exports what is left, and waits for it
    }
    System.out.println("done");
  }

  /** An SDK exporting over OTLP/HTTP to {@code endpoint} as {@code service}, with this pid. */
  static ShuttleOtel otlp(String service, String endpoint) {
    return ShuttleOtel.builder()
        .serviceName(service)
        .resourceAttribute(PID, Long.toString(ProcessHandle.current().pid()))
        .endpoint(endpoint)
        .protocol(OtlpProtocol.HTTP_PROTOBUF)
        .batchScheduleDelay(Duration.ofMillis(100))
        .property("otel.metrics.exporter", "none")
        .property("otel.logs.exporter", "none")
        .registerGlobal(false)
        .shutdownHook(false)
        .start();
  }

  private static void hold(String[] args) throws Exception {
    String url = args[1];
    String name = args[2];
    int capacity = Integer.parseInt(args[3]);
    int receivers = Integer.parseInt(args[4]);
    int freezeAfter = Integer.parseInt(args[5]);
    Connection nats = Nats.connect(url); // never closed: the test kills this process
    NatsChannel<String> channel =
        NatsChannel.builder(nats, name, Codec.utf8())
            .capacity(capacity)
            .ackWait(Duration.ofSeconds(1))
            .build();
    AtomicInteger taken = new AtomicInteger();
    AtomicInteger stopped = new AtomicInteger();
    CountDownLatch never = new CountDownLatch(1);
    for (int r = 0; r < receivers; r++) {
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (true) {
                    String value = channel.receive();
                    System.out.println("got " + value);
                    if (taken.incrementAndGet() >= freezeAfter) {
                      if (stopped.incrementAndGet() == receivers) {
                        System.out.println("frozen");
                      }
                      never.await();
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
    }
    while (true) {
      channel.receiver(); // a receiver is about to wait: the receiving thread pulls a value
      Thread.sleep(20);
    }
  }
}
