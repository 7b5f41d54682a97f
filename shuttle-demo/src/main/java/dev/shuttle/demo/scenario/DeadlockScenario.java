package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;

import dev.shuttle.Goroutines;
import dev.shuttle.channel.Channel;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.inspect.GoroutineDump;
import dev.shuttle.sync.ErrGroup;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Duration;

/**
 * A deadlock, and how to see it: under one request with a timeout, goroutine {@code a} sends to
 * {@code b} before it receives from {@code b}, and {@code b} does the same the other way round, so
 * both block sending. The request prints the goroutine dump of its trace, then the timeout ends
 * both and the request's span records it.
 */
public final class DeadlockScenario implements Scenario {
  static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final Duration LOOK_EVERY = Duration.ofMillis(5);

  @Override
  public String name() {
    return "deadlock";
  }

  @Override
  public String description() {
    return "two goroutines send on each other's channel; the goroutine dump shows it, a timeout"
        + " ends it";
  }

  @Override
  public void run(OpenTelemetry openTelemetry) throws Exception {
    run(openTelemetry, new PrintWriter(System.out, true, Charset.defaultCharset()));
  }

  @Override
  public void run(OpenTelemetry openTelemetry, PrintWriter out) throws Exception {
    try (CancelableContext request = Contexts.withTimeout(Context.current(), TIMEOUT)) {
      ErrGroup group =
          ErrGroup.builder(request.context())
              .span("deadlocked-request", Attributes.of(longKey("timeout.ms"), TIMEOUT.toMillis()))
              .build();
      Channel<String> aToB = Channel.builder().name("a-to-b").build(); // rendezvous: a send
      Channel<String> bToA = Channel.builder().name("b-to-a").build(); // waits for a receiver
      group.go(
          "goroutine-a",
          Attributes.empty(),
          () -> {
            aToB.send("hello from a"); // b is sending too: nobody receives
            bToA.receive();
          });
      group.go(
          "goroutine-b",
          Attributes.empty(),
          () -> {
            bToA.send("hello from b");
            aToB.receive();
          });
      out.println(dumpWhenBlocked(Span.fromContext(group.context()), request));
      out.flush();
      group.await(); // both end when the timeout cancels their sends
    } catch (ContextDoneException expected) {
      // the timeout ends the deadlock; the group's span records timeout.exceeded
    }
  }

  /**
   * The dump of the request's goroutines once both are blocked (or the timeout fired). Nothing
   * signals that, so this looks every few milliseconds.
   */
  private static String dumpWhenBlocked(Span request, CancelableContext timeout)
      throws InterruptedException {
    String traceId = request.getSpanContext().getTraceId();
    GoroutineDump dump;
    do {
      dump = Goroutines.snapshot().filter(g -> g.spanContext().getTraceId().equals(traceId));
    } while (dump.blockedCount() < 2 && !timeout.cancellation().await(LOOK_EVERY));
    return dump.toText();
  }
}
