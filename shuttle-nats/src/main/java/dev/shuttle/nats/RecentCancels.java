package dev.shuttle.nats;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The ids of the jobs whose submitters cancelled them lately, with the cancellation text, so that a
 * job taken just after its cancel message went by is not started. Holds at most {@link #LIMIT} ids,
 * forgetting the oldest first.
 *
 * <p>Implementation note: one map in insertion order behind {@code lock}; every method holds the
 * lock for one map operation. Thread-safe.
 */
final class RecentCancels {
  /** How many cancelled ids are remembered. */
  static final int LIMIT = 4096;

  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private final Map<String, String> cancelled =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > LIMIT;
        }
      };

  /** Remembers that job {@code jobId} was cancelled with {@code text}. */
  void add(String jobId, String text) {
    lock.lock();
    try {
      cancelled.put(jobId, text);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the cancellation text of job {@code jobId}, or {@code null} if it was not cancelled.
   */
  @Nullable String get(String jobId) {
    lock.lock();
    try {
      return cancelled.get(jobId);
    } finally {
      lock.unlock();
    }
  }
}
