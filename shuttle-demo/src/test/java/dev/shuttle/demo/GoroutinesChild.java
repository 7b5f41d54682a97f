package dev.shuttle.demo;

import dev.shuttle.Go;
import dev.shuttle.Goroutines;
import dev.shuttle.channel.Channel;
import dev.shuttle.inspect.GoroutinesMXBean;
import dev.shuttle.sync.ErrGroup;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The JVM that {@link GoroutinesCommandTest} reads: started with {@code shuttle}, it leaves three
 * Shuttle goroutines blocked under one traced request (one receiving from the channel {@code
 * orders}, one waiting for its errgroup {@code fetch-replies}, and that group's task receiving from
 * {@code replies}), prints {@code ready PID TRACE_ID}, and waits for its standard input to close.
 * Started with {@code plain}, it prints {@code ready PID} and starts no goroutine at all.
 */
public final class GoroutinesChild {
  static final String ORDERS = "orders";
  static final String REPLIES = "replies";
  static final String GROUP = "fetch-replies";
  static final String CONSUMER = "order-consumer";

  private GoroutinesChild() {}

  /** Runs as {@code shuttle} or {@code plain}, until standard input closes. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("plain")) {
      System.out.println("ready " + ProcessHandle.current().pid());
      System.out.flush();
      System.in.transferTo(java.io.OutputStream.nullOutputStream());
      return;
    }
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(new Nowhere()).build())
            .build();
    ShuttleTelemetry.use(sdk); // spans are recorded, and exported nowhere
    Channel<String> orders = Channel.builder().name(ORDERS).build();
    Channel<String> replies = Channel.builder().capacity(4).name(REPLIES).build();
    Span request = sdk.getTracer("goroutines-child").spanBuilder("stuck-request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      Go.go(Context.current(), CONSUMER, Attributes.empty(), orders::receive);
      Go.go(
          () -> {
            ErrGroup group = ErrGroup.builder(Context.current()).span(GROUP).build();
            group.go(replies::receive);
            group.await();
          });
    }
    awaitBlocked(3);
    System.out.println(
        "ready " + ProcessHandle.current().pid() + " " + request.getSpanContext().getTraceId());
    System.out.flush();
    System.in.transferTo(java.io.OutputStream.nullOutputStream());
  }

  /**
   * Waits, at most 10 s, until {@code count} goroutines are blocked and Shuttle has registered its
   * MBean (on a thread of its own, when the first goroutine started): neither has a signal to wait
   * for, so this polls every 5 ms.
   */
  private static void awaitBlocked(int count) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName(GoroutinesMXBean.OBJECT_NAME);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((Goroutines.snapshot().blockedCount() < count || !server.isRegistered(name))
        && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /**
   * A span processor that does nothing: with none at all the SDK would not record spans, and the
   * request would have no trace id.
   */
  private static final class Nowhere implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return false;
    }
  }
}
