package dev.shuttle.demo;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * What a demo run has done so far: the scenario running, how many ran, which failed and why. The
 * demo's thread records; a Ctrl-C hook reads it to report an interrupted run.
 *
 * <p>Implementation note: {@code lock} guards every field but {@code total}; each reader sees one
 * consistent state (a scenario counted as ran never also as running).
 */
final class ScenarioTally {
  private final int total;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private @Nullable String running;

  @GuardedBy("lock")
  private int ran;

  @GuardedBy("lock")
  private final List<String> failures = new ArrayList<>();

  @GuardedBy("lock")
  private boolean finished;

  ScenarioTally(int total) {
    this.total = total;
  }

  /** Records that scenario {@code name} starts. */
  void starting(String name) {
    lock.lock();
    try {
      running = name;
    } finally {
      lock.unlock();
    }
  }

  /** Records that the running scenario ended, and why it failed ({@code null}: it did not). */
  void ran(@Nullable String failure) {
    lock.lock();
    try {
      if (failure != null) {
        failures.add(running + ": " + failure);
      }
      running = null;
      ran++;
    } finally {
      lock.unlock();
    }
  }

  /** Records that the run is over: from now on it cannot be interrupted. */
  void finish() {
    lock.lock();
    try {
      finished = true;
    } finally {
      lock.unlock();
    }
  }

  /** Every failure so far, as {@code scenario: why}. */
  List<String> failures() {
    lock.lock();
    try {
      return List.copyOf(failures);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The line reporting a run interrupted now, such as {@code Interrupted during scenario pipeline
   * (5/14); 4 scenarios ran, 0 failed; 120 spans received over OTLP}; null once the run is over.
   *
   * @param received how the data went, such as {@code 120 spans received over OTLP}
   */
  @Nullable String interruptedLine(String received) {
    lock.lock();
    try {
      if (finished) {
        return null;
      }
      String where =
          running == null
              ? "Interrupted between scenarios"
              : "Interrupted during scenario " + running + " (" + (ran + 1) + "/" + total + ")";
      return where
          + "; "
          + Plural.count(ran, "scenario", "scenarios")
          + " ran, "
          + failures.size()
          + " failed; "
          + received;
    } finally {
      lock.unlock();
    }
  }
}
