package dev.shuttle.demo.scenario;

import static io.opentelemetry.api.common.AttributeKey.longKey;

import dev.shuttle.channel.Channel;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.Cancellation;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.inspect.GoroutineDump;
import dev.shuttle.inspect.Goroutines;
import dev.shuttle.sync.ErrGroup;
import dev.shuttle.telemetry.Spans;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Duration;

/**
 * A deadlock, and how to see it: under one request with a timeout, goroutine {@code a} sends to
 * {@code b} on the rendezvous channel {@code a-to-b} before it reads {@code b-to-a}, and {@code b}
 * does the same the other way round, so both block sending. Before the timeout fires, the request
 * prints the goroutine dump of its own trace: both goroutines, what each waits on and since when;
 * then the timeout cancels them, and the request span records it.
 */
public final class DeadlockScenario implements Scenario {
  static final Duration TIMEOUT = Duration.ofSeconds(1);

  /** How often the request looks whether both goroutines are blocked yet. */
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
    Span request =
        openTelemetry
            .getTracer("deadlock")
            .spanBuilder("deadlocked-request")
            .setAttribute(longKey("timeout.ms"), TIMEOUT.toMillis())
            .startSpan();
    try (CancelableContext timed = Contexts.withTimeout(Context.current().with(request), TIMEOUT);
        Scope ignored = timed.makeCurrent()) {
      Channel<String> aToB = Channel.builder().name("a-to-b").build(); // rendezvous: a send
      Channel<String> bToA = Channel.builder().name("b-to-a").build(); // waits for a receiver
      ErrGroup group = ErrGroup.withContext(Context.current());
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
      out.println(dumpOnceBlocked(request.getSpanContext().getTraceId(), 2, timed.cancellation()));
      out.flush();
      group.await(); // both end when the timeout cancels their sends
    } catch (ContextDoneException e) {
      Spans.recordFailure(request, e); // the point of the example: timeout.exceeded=true
    } finally {
      request.end();
    }
  }

  /**
   * The dump of the goroutines in {@code traceId} once {@code count} of them are blocked, or when
   * {@code timeout} fires first. The registry has no event to wait for, so this looks every few
   * milliseconds, waiting on the timeout in between.
   */
  private static String dumpOnceBlocked(String traceId, int count, Cancellation timeout)
      throws InterruptedException {
    GoroutineDump dump = ours(traceId);
    while (dump.blockedCount() < count && !timeout.await(LOOK_EVERY)) {
      dump = ours(traceId);
    }
    return dump.toText();
  }

  private static GoroutineDump ours(String traceId) {
    return Goroutines.snapshot().filter(g -> g.spanContext().getTraceId().equals(traceId));
  }
}
