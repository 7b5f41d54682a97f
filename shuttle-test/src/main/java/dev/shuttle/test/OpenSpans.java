package dev.shuttle.test;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.trace.ReadableSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Shuttle spans that started and have not ended, as every {@link OpenSpanTracker} saw them.
 *
 * <p>Implementation note: {@code OPEN} is a {@link ConcurrentHashMap} keyed by span context; a span
 * is added when it starts (after taking the next number from {@code SEQUENCE}, so that a test can
 * ask for the spans numbered after its {@link #mark()}) and removed when it ends. {@link
 * #awaitEnded} checks {@code OPEN} while holding {@code LOCK} and waits on {@code ENDED}; {@link
 * #ended} removes the span first and then signals {@code ENDED} while holding {@code LOCK}, so a
 * waiter either sees the removal when it checks or is already waiting when the signal comes: no end
 * is missed. Starting a span takes no lock.
 */
final class OpenSpans {
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final ConcurrentHashMap<SpanContext, OpenSpan> OPEN = new ConcurrentHashMap<>();
  private static final ReentrantLock LOCK = new ReentrantLock();

  @GuardedBy("LOCK")
  private static final Condition ENDED = LOCK.newCondition();

  private OpenSpans() {}

  /**
   * A span that started and has not ended.
   *
   * @param sequence its number in the order spans started
   * @param name its name
   * @param spanContext its trace and span id
   * @param parent its parent's span context (invalid for a root span)
   * @param thread the name of the thread that started it
   * @param startedAt when the tracker saw it start
   */
  record OpenSpan(
      long sequence,
      String name,
      SpanContext spanContext,
      SpanContext parent,
      String thread,
      Instant startedAt) {

    /** One line for a leak report. */
    String describe(Instant now) {
      StringBuilder out = new StringBuilder();
      out.append("  span \"")
          .append(name)
          .append("\" trace ")
          .append(spanContext.getTraceId())
          .append(" span ")
          .append(spanContext.getSpanId());
      if (parent.isValid()) {
        out.append(" (parent ").append(parent.getSpanId()).append(')');
      }
      Duration age = Duration.between(startedAt, now);
      return out.append(", started ")
          .append(age.toMillis())
          .append(" ms ago on thread \"")
          .append(thread)
          .append("\"\n")
          .toString();
    }
  }

  /** The number of the last span started so far; spans started later have greater numbers. */
  static long mark() {
    return SEQUENCE.get();
  }

  static void started(ReadableSpan span) {
    SpanContext context = span.getSpanContext();
    OPEN.put(
        context,
        new OpenSpan(
            SEQUENCE.incrementAndGet(),
            span.getName(),
            context,
            span.getParentSpanContext(),
            Thread.currentThread().getName(),
            Instant.now()));
  }

  static void ended(ReadableSpan span) {
    if (OPEN.remove(span.getSpanContext()) != null) {
      LOCK.lock();
      try {
        ENDED.signalAll();
      } finally {
        LOCK.unlock();
      }
    }
  }

  /** The open spans that started after {@code mark}, in the order they started. */
  static List<OpenSpan> openSince(long mark) {
    return OPEN.values().stream()
        .filter(s -> s.sequence() > mark)
        .sorted(Comparator.comparingLong(OpenSpan::sequence))
        .toList();
  }

  /**
   * Waits until every span that started after {@code mark} has ended, or until {@code deadline}
   * ({@link System#nanoTime()}).
   *
   * @return the ones still open, empty if all ended
   * @throws InterruptedException if interrupted while waiting
   */
  static List<OpenSpan> awaitEnded(long mark, long deadline) throws InterruptedException {
    LOCK.lock();
    try {
      while (true) {
        List<OpenSpan> open = openSince(mark);
        long remaining = deadline - System.nanoTime();
        if (open.isEmpty() || remaining <= 0) {
          return open;
        }
        boolean unused = ENDED.await(remaining, TimeUnit.NANOSECONDS);
      }
    } finally {
      LOCK.unlock();
    }
  }
}
