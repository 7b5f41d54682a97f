package dev.shuttle;

import dev.shuttle.context.Stoppable;
import dev.shuttle.inspect.GoroutineDump;
import dev.shuttle.inspect.GoroutineInfo;
import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.GoroutineWatch;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;

/**
 * The registry of live goroutines: every goroutine Shuttle starts ({@code Go.go}/{@code Go.start},
 * {@code WaitGroup.go}, {@code ErrGroup} tasks, pool workers, pipeline stages, fan-out and fan-in
 * workers, timers) is known while it lives, with its trace and what it blocks on.
 *
 * {@snippet :
 * GoroutineDump dump = Goroutines.snapshot();
 * System.out.print(dump.toText());                    // grouped by owner, as Go prints one
 * Files.writeString(Path.of("dump.json"), dump.toJson());
 * }
 *
 * <p>The registry is on by default and costs no lock and no allocation on a blocking path; {@code
 * -Dshuttle.goroutines.registry=false} turns it off. Two more settings start watchers when the
 * first goroutine starts: {@code -Dshuttle.goroutines.stallThreshold=2s} ({@link #detectStalls})
 * and {@code -Dshuttle.goroutines.liveExport=1s} ({@link #exportLive}).
 *
 * <p>All methods are thread-safe.
 */
public final class Goroutines {
  private Goroutines() {}

  /**
   * Whether the registry records goroutines ({@code -Dshuttle.goroutines.registry}).
   *
   * @return {@code true} unless the registry was turned off
   */
  public static boolean registryEnabled() {
    return GoroutineRegistry.ENABLED;
  }

  /**
   * Takes a snapshot of the live goroutines: weakly consistent (one that starts or ends meanwhile
   * may be missing), each goroutine's own state consistent. Empty when the registry is off.
   *
   * @return the goroutines alive at the time of the call
   */
  public static GoroutineDump snapshot() {
    return GoroutineRegistry.snapshot();
  }

  /**
   * Waits until each of {@code goroutines} (from an earlier snapshot) has ended, at most {@code
   * timeout} in all; a leak checker's grace for goroutines that are finishing.
   *
   * @param goroutines the goroutines to wait for
   * @param timeout how long to wait for all of them together
   * @return {@code true} if all have ended
   * @throws InterruptedException if interrupted while waiting
   */
  public static boolean awaitEnd(Collection<GoroutineInfo> goroutines, Duration timeout)
      throws InterruptedException {
    Objects.requireNonNull(goroutines, "goroutines");
    Objects.requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    for (GoroutineInfo g : goroutines) {
      Thread thread = GoroutineRegistry.thread(g.id());
      if (thread != null) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0 || !thread.join(Duration.ofNanos(remaining))) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Starts reporting goroutines blocked longer than {@code threshold}: one OpenTelemetry log record
   * per stall (event {@code shuttle.goroutine.stalled}, severity WARN), in the stalled goroutine's
   * trace and span, saying what it waits on; and the counter {@code shuttle.goroutine.stalls}.
   * Checks every {@code threshold / 2} on a daemon thread until stopped.
   *
   * @param threshold how long a goroutine may stay blocked before it is reported
   * @return a handle that stops the checks
   * @throws IllegalArgumentException if {@code threshold} is not positive
   */
  public static Stoppable detectStalls(Duration threshold) {
    Objects.requireNonNull(threshold, "threshold");
    return GoroutineWatch.detectStalls(threshold)::stop;
  }

  /**
   * Starts exporting the live goroutines every {@code interval} as OpenTelemetry log records (event
   * {@code shuttle.goroutine.running}, one per goroutine, in its trace and span; and one {@code
   * shuttle.goroutines.snapshot} record that closes each round), so that a receiver shows
   * unfinished work; see {@code docs/adr/0009-live-goroutines-as-log-records.md}.
   *
   * @param interval the time between two exports
   * @return a handle that stops the exports
   * @throws IllegalArgumentException if {@code interval} is not positive
   */
  public static Stoppable exportLive(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    return GoroutineWatch.exportLive(interval)::stop;
  }
}
