package dev.shuttle.receiver.render;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.receiver.RunningGoroutine;
import dev.shuttle.receiver.RunningListener;
import dev.shuttle.receiver.RunningProcess;
import dev.shuttle.receiver.SpanListener;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.StoredTrace;
import dev.shuttle.receiver.TelemetryStore;
import dev.shuttle.receiver.TraceCompletion;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A {@link SpanListener} that prints each trace as a tree when its local root span arrives, which
 * is when the trace completes in this process (a root span ends last): a root span, or the earliest
 * span of a trace whose parent is remote (a service called by another). {@link TraceCompletion}
 * decides. Spans under which goroutines of the live view still run are marked.
 *
 * <p>It is also a {@link RunningListener} (registered as one too by {@link
 * TelemetryStore#addListener}): when a process's round of the live view differs from the last one
 * printed for it in which goroutines exist or what they wait on, it prints the round as a block
 * ({@link TraceRenderer#renderRunning}), at most once per {@link #RUNNING_EVERY} per process.
 *
 * <p>Child spans that arrive after their root (rare, e.g. detached tasks) are not printed again.
 *
 * <p>Implementation note: printing holds {@code lock} so that two traces or blocks arriving on two
 * receiver threads never interleave their lines; the store is queried and text rendered before the
 * lock is taken. {@code lock} also guards {@code printed}, what was last printed of each process
 * (at most {@link #MAX_REMEMBERED} processes, the least recently printed forgotten first); a
 * decision to print and the record of it are made under the lock, so two threads never print the
 * same change twice.
 *
 * <p>Thread-safety: safe to be called by several receiver threads at once.
 */
public final class TracePrinter implements SpanListener, RunningListener {
  /** The least time between two blocks printed for one process. */
  public static final Duration RUNNING_EVERY = Duration.ofSeconds(3);

  /** How many processes' last printed rounds are remembered. */
  static final int MAX_REMEMBERED = 256;

  private final TelemetryStore store;
  private final PrintStream out;
  private final TraceRenderer renderer;
  private final LongSupplier nanoTime;
  private final ReentrantLock lock = new ReentrantLock();

  /** What a block showed: per goroutine its id, state and what it waits on. */
  private record Shown(long id, String state, String blockedOn) {}

  private record Printed(List<Shown> shown, long atNanos) {}

  @GuardedBy("lock")
  private final Map<String, Printed> printed = new LinkedHashMap<>(16, 0.75f, true);

  private TracePrinter(
      TelemetryStore store, PrintStream out, TraceRenderer renderer, LongSupplier nanoTime) {
    this.store = store;
    this.out = out;
    this.renderer = renderer;
    this.nanoTime = nanoTime;
  }

  /**
   * Creates a printer; register it with {@link TelemetryStore#addListener}, which registers it for
   * the live view's rounds too.
   *
   * @param store the store whose traces are printed
   * @param out where to print
   * @param renderer how to render a trace
   * @return the printer
   */
  public static TracePrinter create(TelemetryStore store, PrintStream out, TraceRenderer renderer) {
    return create(store, out, renderer, System::nanoTime);
  }

  /**
   * Prints each trace of {@code store} as a tree to {@code out} when its local root span arrives: a
   * root span, or the earliest span of a trace whose parent is remote and not in the store (a
   * service called by another); {@link TraceCompletion} has the rule. Creates a printer and
   * registers it with {@link TelemetryStore#addListener}.
   *
   * {@snippet :
   * TracePrinter.printTraces(receiver.store(), System.out, false);
   * }
   *
   * @param store the store whose traces are printed, e.g. {@code OtlpReceiver.store()}
   * @param out where to print
   * @param colour true for ANSI colour
   * @return the registered listener, to pass to {@link TelemetryStore#removeListener} to stop
   */
  public static TracePrinter printTraces(TelemetryStore store, PrintStream out, boolean colour) {
    TracePrinter printer = create(store, out, TraceRenderer.create(colour));
    store.addListener(printer);
    return printer;
  }

  /** As {@link #create(TelemetryStore, PrintStream, TraceRenderer)} with a clock, for tests. */
  static TracePrinter create(
      TelemetryStore store, PrintStream out, TraceRenderer renderer, LongSupplier nanoTime) {
    return new TracePrinter(
        Objects.requireNonNull(store, "store"),
        Objects.requireNonNull(out, "out"),
        Objects.requireNonNull(renderer, "renderer"),
        Objects.requireNonNull(nanoTime, "nanoTime"));
  }

  @Override
  public void onSpans(List<StoredSpan> spans) {
    for (String traceId : TraceCompletion.completedBy(spans, store)) {
      Optional<StoredTrace> trace = store.trace(traceId);
      if (trace.isPresent()) {
        String text = renderer.render(trace.get(), store.runningInTrace(traceId));
        print(text);
      }
    }
  }

  @Override
  public void onRunning(List<RunningProcess> rounds) {
    for (RunningProcess round : rounds) {
      List<Shown> shown = new ArrayList<>(round.goroutines().size());
      for (RunningGoroutine g : round.goroutines()) {
        shown.add(new Shown(g.id(), g.state(), g.blockedOn()));
      }
      String text = renderer.renderRunning(round);
      lock.lock();
      try {
        Printed last = printed.get(round.key());
        List<Shown> before = last == null ? List.of() : last.shown();
        long now = nanoTime.getAsLong();
        if (shown.equals(before)
            || (last != null && now - last.atNanos() < RUNNING_EVERY.toNanos())) {
          continue;
        }
        printed.put(round.key(), new Printed(shown, now));
        Iterator<String> eldest = printed.keySet().iterator();
        while (printed.size() > MAX_REMEMBERED) {
          eldest.next();
          eldest.remove();
        }
        out.print(text);
        out.flush();
      } finally {
        lock.unlock();
      }
    }
  }

  private void print(String text) {
    lock.lock();
    try {
      out.print(text);
      out.flush();
    } finally {
      lock.unlock();
    }
  }
}
