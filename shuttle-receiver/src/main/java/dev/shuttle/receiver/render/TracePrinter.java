package dev.shuttle.receiver.render;

import dev.shuttle.receiver.SpanListener;
import dev.shuttle.receiver.StoredSpan;
import dev.shuttle.receiver.StoredTrace;
import dev.shuttle.receiver.TelemetryStore;
import dev.shuttle.receiver.TraceCompletion;
import java.io.PrintStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link SpanListener} that prints each trace as a tree when its local root span arrives, which
 * is when the trace completes in this process (a root span ends last): a root span, or the earliest
 * span of a trace whose parent is remote (a service called by another). {@link TraceCompletion}
 * decides.
 *
 * <p>Child spans that arrive after their root (rare, e.g. detached tasks) are not printed again.
 *
 * <p>Implementation note: printing holds {@code lock} so that two traces arriving on two receiver
 * threads never interleave their lines; the store is queried before the lock is taken.
 *
 * <p>Thread-safety: safe to be called by several receiver threads at once.
 */
public final class TracePrinter implements SpanListener {
  private final TelemetryStore store;
  private final PrintStream out;
  private final TraceRenderer renderer;
  private final ReentrantLock lock = new ReentrantLock();

  private TracePrinter(TelemetryStore store, PrintStream out, TraceRenderer renderer) {
    this.store = store;
    this.out = out;
    this.renderer = renderer;
  }

  /**
   * Creates a printer; register it with {@link TelemetryStore#addListener}.
   *
   * @param store the store whose traces are printed
   * @param out where to print
   * @param renderer how to render a trace
   * @return the printer
   */
  public static TracePrinter create(TelemetryStore store, PrintStream out, TraceRenderer renderer) {
    return new TracePrinter(
        Objects.requireNonNull(store, "store"),
        Objects.requireNonNull(out, "out"),
        Objects.requireNonNull(renderer, "renderer"));
  }

  @Override
  public void onSpans(List<StoredSpan> spans) {
    for (String traceId : TraceCompletion.completedBy(spans, store)) {
      Optional<StoredTrace> trace = store.trace(traceId);
      if (trace.isPresent()) {
        String text = renderer.render(trace.get());
        lock.lock();
        try {
          out.print(text);
          out.flush();
        } finally {
          lock.unlock();
        }
      }
    }
  }
}
