package dev.shuttle.demo;

import dev.shuttle.Go;
import dev.shuttle.channel.Channel;
import dev.shuttle.inspect.Goroutines;
import dev.shuttle.inspect.GoroutinesMXBean;
import dev.shuttle.sync.ErrGroup;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
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
        OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build();
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
    registerTheMBeanIfCoreDoesNot();
    awaitBlocked(3);
    System.out.println(
        "ready " + ProcessHandle.current().pid() + " " + request.getSpanContext().getTraceId());
    System.out.flush();
    System.in.transferTo(java.io.OutputStream.nullOutputStream());
  }

  /**
   * Waits, at most 10 s, until {@code count} goroutines are blocked: the registry has no signal for
   * it, so this polls the snapshot every 5 ms.
   */
  private static void awaitBlocked(int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Goroutines.snapshot().blockedCount() < count && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /**
   * TEMPORARY, until shuttle-core registers {@code dev.shuttle:type=Goroutines} itself when the
   * first goroutine starts: registers an equivalent MBean if none is registered yet.
   */
  private static void registerTheMBeanIfCoreDoesNot() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName(Goroutines.OBJECT_NAME);
    if (!server.isRegistered(name)) {
      server.registerMBean(new Dump(), name);
    }
  }

  /** The temporary MBean. */
  public static final class Dump implements GoroutinesMXBean {
    @Override
    public String getDumpText() {
      return Goroutines.snapshot().toText();
    }

    @Override
    public String getDumpJson() {
      return Goroutines.snapshot().toJson();
    }

    @Override
    public int getCount() {
      return Goroutines.snapshot().goroutines().size();
    }
  }
}
