package dev.shuttle.internal;

import dev.shuttle.context.Stoppable;
import java.time.Duration;

/** Placeholder: the stall detector and the live export. */
public final class GoroutineWatch {
  private GoroutineWatch() {}

  public static Stoppable detectStalls(Duration threshold) {
    return () -> false; // placeholder, replaced by the real watchers
  }

  public static Stoppable exportLive(Duration interval) {
    return () -> false; // placeholder, replaced by the real watchers
  }
}
