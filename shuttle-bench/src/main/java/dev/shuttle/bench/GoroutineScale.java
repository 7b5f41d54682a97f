package dev.shuttle.bench;

import dev.shuttle.Go;
import dev.shuttle.channel.Channel;
import dev.shuttle.context.CancelableContext;
import dev.shuttle.context.ContextDoneException;
import dev.shuttle.context.Contexts;
import dev.shuttle.telemetry.ShuttleTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;

/**
 * The scale stress profile: starts N goroutines with {@code Go.go} under one traced, cancellable
 * context, each blocked in {@code receive()} on one rendezvous channel; prints the start time, the
 * heap per blocked goroutine (after GC) and the time from {@code cancel()} until every goroutine's
 * body has returned. Then the same for raw virtual threads blocked on one {@link SynchronousQueue}
 * (start and heap; interrupting them all is optional, it is slow). One line per figure.
 *
 * <p>"start" is the time until every body has begun (counted down on a latch just before it
 * blocks); "heap" the growth of the heap in use after full collections, once all have started;
 * "cancel-all" the time from {@code cancel()} until every body has returned. A silent warm-up run
 * of {@value #WARM_UP} of each comes first.
 *
 * <p>Not a JMH benchmark and not run by the build: {@code scripts/scale.sh} runs it. Arguments: the
 * counts to run (default {@code 100000 1000000}); {@code --no-raw} skips the raw baseline; {@code
 * --raw-interrupt} also times interrupting every raw thread.
 *
 * <p>Implementation note: single-threaded driver; the only shared state is the per-run latch that
 * the started threads count down, and the channel or queue they block on.
 */
public final class GoroutineScale {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final int WARM_UP = 10_000;

  private GoroutineScale() {}

  /** Runs the profile; see the class comment for the arguments. */
  public static void main(String[] args) throws InterruptedException {
    List<Integer> counts = new ArrayList<>();
    boolean raw = true;
    boolean rawInterrupt = false;
    for (String arg : args) {
      switch (arg) {
        case "--no-raw" -> raw = false;
        case "--raw-interrupt" -> rawInterrupt = true;
        default -> {
          int n = count(arg);
          if (n <= 0) {
            System.err.println(
                "scale: expected a positive goroutine count, --no-raw or --raw-interrupt, got: "
                    + arg);
            System.exit(2);
          }
          counts.add(n);
        }
      }
    }
    if (counts.isEmpty()) {
      counts = List.of(100_000, 1_000_000);
    }
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().build())
            .setMeterProvider(
                SdkMeterProvider.builder().registerMetricReader(new HoldingMetricReader()).build())
            .build();
    ShuttleTelemetry.use(sdk);
    System.out.printf(
        Locale.ROOT,
        "scale: JDK %s, %d CPUs, max heap %d MiB, registry %s%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        dev.shuttle.Goroutines.registryEnabled() ? "on" : "off");
    try {
      // Warm-up, not printed: class loading and the first compilations would land in the first run.
      goroutines(sdk, WARM_UP, false);
      rawVirtualThreads(WARM_UP, false, false);
      for (int n : counts) {
        goroutines(sdk, n, true);
      }
      if (raw) {
        for (int n : counts) {
          rawVirtualThreads(n, rawInterrupt, true);
        }
      }
    } finally {
      ShuttleTelemetry.useGlobal();
      sdk.close();
    }
  }

  /** The count {@code arg} stands for ({@code 1_000_000} allowed), or 0 if it is none. */
  private static int count(String arg) {
    try {
      return Math.max(0, Integer.parseInt(arg.replace("_", "")));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void goroutines(OpenTelemetrySdk sdk, int n, boolean report)
      throws InterruptedException {
    Span root = sdk.getTracer("scale").spanBuilder("scale " + n).startSpan();
    CancelableContext cancellable = Contexts.withCancel(Context.root().with(root));
    Channel<Integer> channel = Channel.rendezvous();
    CountDownLatch started = new CountDownLatch(n);
    CountDownLatch ended = new CountDownLatch(n);
    long heapBefore = heapAfterGc();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Go.go(
          cancellable.context(),
          () -> {
            started.countDown();
            try {
              channel.receive();
            } catch (InterruptedException | ContextDoneException e) {
              // cancelled: the goroutine returns, as a Go one does on <-ctx.Done()
            } finally {
              ended.countDown();
            }
          });
    }
    started.await();
    long startNanos = System.nanoTime() - t0;
    print(report, "shuttle", n, "start", startNanos);
    long heap = heapAfterGc() - heapBefore;
    print(report, "shuttle", n, "heap", heap);
    long t1 = System.nanoTime();
    cancellable.cancel();
    ended.await();
    print(report, "shuttle", n, "cancel-all", System.nanoTime() - t1);
    root.end();
  }

  private static void rawVirtualThreads(int n, boolean interrupt, boolean report)
      throws InterruptedException {
    SynchronousQueue<Integer> queue = new SynchronousQueue<>();
    CountDownLatch started = new CountDownLatch(n);
    CountDownLatch ended = new CountDownLatch(n);
    // Kept only to interrupt them: otherwise their references would count in the heap figure.
    List<Thread> threads = new ArrayList<>(interrupt ? n : 0);
    long heapBefore = heapAfterGc();
    long t0 = System.nanoTime();
    Runnable body =
        () -> {
          started.countDown();
          try {
            queue.take();
          } catch (InterruptedException e) {
            // ended by the interrupt below
          } finally {
            ended.countDown();
          }
        };
    for (int i = 0; i < n; i++) {
      Thread thread = Thread.ofVirtual().start(body);
      if (interrupt) {
        threads.add(thread);
      }
    }
    started.await();
    print(report, "raw", n, "start", System.nanoTime() - t0);
    // With --raw-interrupt the list of threads (a reference each) counts in the heap too.
    print(report, "raw", n, "heap", heapAfterGc() - heapBefore);
    long t1 = System.nanoTime();
    if (interrupt) {
      for (Thread thread : threads) {
        thread.interrupt();
      }
      ended.await();
      print(report, "raw", n, "interrupt-all", System.nanoTime() - t1);
    } else {
      for (int i = 0; i < n; i++) {
        queue.put(i);
      }
      ended.await();
      print(report, "raw", n, "put-to-each", System.nanoTime() - t1);
    }
  }

  private static void print(boolean report, String what, int n, String figure, long value) {
    if (!report) {
      return;
    }
    if (figure.equals("heap")) {
      System.out.printf(
          Locale.ROOT,
          "%-8s n=%-9d %-14s %8.1f MiB  %7.0f bytes each%n",
          what,
          n,
          figure,
          value / 1048576.0,
          (double) value / n);
    } else {
      System.out.printf(
          Locale.ROOT,
          "%-8s n=%-9d %-14s %8.3f s    %7.0f ns each%n",
          what,
          n,
          figure,
          value / 1e9,
          (double) value / n);
    }
  }

  /** Heap in use after full collections, once the figure has settled. */
  @SuppressWarnings("JavaLangClearGarbageCollection") // measuring live heap needs a full GC
  private static long heapAfterGc() {
    long previous = Long.MAX_VALUE;
    long used = 0;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = MEMORY.getHeapMemoryUsage().getUsed();
      if (Math.abs(previous - used) < 1 << 20) {
        break;
      }
      previous = used;
    }
    return used;
  }
}
