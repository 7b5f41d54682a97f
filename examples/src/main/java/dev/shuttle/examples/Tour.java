package dev.shuttle.examples;

import dev.shuttle.Go;
import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.Select;
import dev.shuttle.channel.Timers;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Contexts;
import dev.shuttle.otel.ShuttleOtel;
import dev.shuttle.pool.WorkerPool;
import dev.shuttle.sync.ErrGroup;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** One request through Shuttle's patterns, exported as one trace to the OTLP endpoint in OTEL_*. */
public final class Tour {
  static final AttributeKey<String> TASK_NAME = AttributeKey.stringKey("task.name");

  public static void main(String[] args) throws Exception {
    // The OpenTelemetry SDK, exporting over OTLP as the OTEL_* variables say.
    try (ShuttleOtel otel = ShuttleOtel.builder().serviceName("tour").start()) {
      ShuttleTelemetry.use(otel.openTelemetry()); // Shuttle records to it
      // The request's root span: every goroutine, channel hop and pool job below joins its trace.
      Span span = otel.openTelemetry().getTracer("tour").spanBuilder("handle-request").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        handle(List.of("alpha", "beta", "gamma"));
      } finally {
        span.end();
      }
    } // flushed and shut down
  }

  static void handle(List<String> tasks) throws Exception {
    // A context is an OpenTelemetry Context that also carries Go's cancellation.
    try (CancelableContext request =
        Contexts.withTimeoutCause(
            Context.current(), Duration.ofSeconds(2), new TimeoutException("answer within 2 s"))) {

      // errgroup: the first failure cancels the rest; await() throws it, unchanged.
      ErrGroup group = ErrGroup.builder(request.context()).span("errgroup-tasks").limit(8).build();
      for (String task : tasks) {
        group.go("errgroup-task", Attributes.of(TASK_NAME, task), () -> process(task));
      }
      group.await();

      // Channels carry the sender's context with every value; close() ends the consumer's loop.
      Channel<String> orders = Channel.buffered(16);
      Go.go(
          request.context(),
          () -> {
            try (orders) {
              for (String task : tasks) {
                orders.send("order-" + task);
              }
            }
          });
      for (Message<String> m : orders.messages()) {
        m.process("process-order", Tour::ship); // a consumer span linked to the producer's
      }

      // select: Go's uniformly random choice among ready cases, with timers and the context.
      Channel<String> reply = Channel.buffered(1);
      Go.go(request.context(), () -> reply.send(lookup("price")));
      String price =
          Select.select(
              request.context(),
              reply.onReceive(v -> v),
              Timers.after(Duration.ofMillis(500)).onReceive(t -> "no price in time"));

      // A worker pool whose every job span is a child of its submitter's span.
      try (WorkerPool pool = WorkerPool.builder().name("checkout").size(4).build()) {
        pool.submit(request.context(), () -> charge(price)).join();
      }
    }
  }

  static void process(String task) throws InterruptedException {
    Thread.sleep(10); // blocking Java code: interrupted if the request is cancelled
  }

  static void ship(String order) throws InterruptedException {
    Thread.sleep(5);
  }

  static String lookup(String key) throws InterruptedException {
    Thread.sleep(5);
    return key + ": 42";
  }

  static String charge(String price) throws InterruptedException {
    Thread.sleep(5);
    return "charged " + price;
  }

  private Tour() {}
}
