package dev.shuttle.test;

import dev.shuttle.Goroutines;
import dev.shuttle.inspect.GoroutineDump;
import dev.shuttle.inspect.GoroutineInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a test left behind: the goroutines that appeared during it and are still alive, and the
 * Shuttle spans that started during it and are still open.
 *
 * @param goroutines the leaked goroutines, as a dump
 * @param spans the spans left open
 */
record Leaks(GoroutineDump goroutines, List<OpenSpans.OpenSpan> spans) {

  /**
   * What was there before a test.
   *
   * @param goroutines the ids of the goroutines alive before it
   * @param spanMark the {@link OpenSpans#mark()} before it
   */
  record Baseline(Set<Long> goroutines, long spanMark) {}

  static Baseline baseline() {
    Set<Long> ids =
        Goroutines.snapshot().goroutines().stream()
            .map(GoroutineInfo::id)
            .collect(Collectors.toUnmodifiableSet());
    return new Baseline(ids, OpenSpans.mark());
  }

  /**
   * Waits up to {@code grace} for the goroutines and spans that appeared since {@code baseline} to
   * end (goroutines that start while it waits are waited for too), and returns those left.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  static Leaks find(Baseline baseline, Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    List<GoroutineInfo> leftovers = newSince(baseline, Goroutines.snapshot());
    while (!leftovers.isEmpty()) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || !Goroutines.awaitEnd(leftovers, Duration.ofNanos(remaining))) {
        break;
      }
      leftovers = newSince(baseline, Goroutines.snapshot());
    }
    List<OpenSpans.OpenSpan> spans = OpenSpans.awaitEnded(baseline.spanMark(), deadline);
    GoroutineDump dump = Goroutines.snapshot().filter(g -> !baseline.goroutines().contains(g.id()));
    return new Leaks(dump, spans);
  }

  private static List<GoroutineInfo> newSince(Baseline baseline, GoroutineDump now) {
    return now.goroutines().stream().filter(g -> !baseline.goroutines().contains(g.id())).toList();
  }

  boolean isEmpty() {
    return goroutines.goroutines().isEmpty() && spans.isEmpty();
  }

  /** The failure message: a summary line, the goroutine dump and the open spans. */
  String report(Duration grace) {
    StringBuilder out = new StringBuilder("ShuttleLeakCheck: the test left ");
    int leakedGoroutines = goroutines.goroutines().size();
    if (leakedGoroutines > 0) {
      out.append(plural(leakedGoroutines, "Shuttle goroutine")).append(" running");
    }
    if (!spans.isEmpty()) {
      out.append(leakedGoroutines > 0 ? " and " : "")
          .append(plural(spans.size(), "Shuttle span"))
          .append(" open");
    }
    long graceMillis = grace.toMillis();
    out.append(' ')
        .append(graceMillis % 1000 == 0 ? graceMillis / 1000 + " s" : graceMillis + " ms")
        .append(" after it ended (stop pools, cancel contexts, end spans; or set the grace with ")
        .append(ShuttleLeakCheck.GRACE_PARAMETER)
        .append(" or @ShuttleLeakCheck.Grace, or opt out with @ShuttleLeakCheck.Allow(\"why\"))\n");
    if (leakedGoroutines > 0) {
      out.append('\n').append(goroutines.toText());
    }
    if (!spans.isEmpty()) {
      out.append("\nShuttle spans started during the test and not ended: ")
          .append(spans.size())
          .append('\n');
      Instant now = Instant.now();
      for (OpenSpans.OpenSpan span : spans) {
        out.append(span.describe(now));
      }
    }
    return out.toString();
  }

  private static String plural(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
