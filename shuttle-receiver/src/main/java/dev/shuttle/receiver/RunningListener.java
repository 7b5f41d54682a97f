package dev.shuttle.receiver;

import java.util.List;

/**
 * Told when processes close a round of their live export (see {@code docs/live-view.md}), so that
 * what runs in them may have changed.
 *
 * <p>Thread-safety: implementations must be thread-safe; the store calls them on the receiving
 * thread (one per request), after the rounds are stored and without holding the store's lock, so a
 * listener may query the store. A listener that throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface RunningListener {
  /**
   * Called with the rounds that one export request closed, after they are stored.
   *
   * @param rounds each process's new round, as received (goroutines whose own span has arrived are
   *     still listed), never empty
   */
  void onRunning(List<RunningProcess> rounds);
}
