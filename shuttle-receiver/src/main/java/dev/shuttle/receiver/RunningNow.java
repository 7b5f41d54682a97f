package dev.shuttle.receiver;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What each Shuttle process reported running in its last round of the live export (ADR 9, {@code
 * docs/live-view.md}), built from the records {@link LiveRecords} found.
 *
 * <p>Per process it holds the last closed round and the records of the round being received. A
 * round's records may come in several exports; when its closing record arrives, the process's round
 * is replaced by the records received for it (fewer than the round's count: kept, and marked
 * incomplete). Records of a new round drop what was pending of an earlier one that never closed. A
 * process whose last round closed longer ago than {@link #GONE_AFTER_INTERVALS} times its interval,
 * by the receiver's clock, is gone and dropped; so is one that never closed a round within {@link
 * #PENDING_TTL_MILLIS}.
 *
 * <p>Bounds, against hostile input: at most {@code maxProcesses} processes (a new one beyond that
 * drops the one heard from least recently), {@code maxPerRound} goroutines per round (more are
 * dropped, the round marked incomplete), and {@code maxBytes} of estimated heap for everything
 * held, rounds and pending records together (a record beyond it is dropped, its round marked
 * incomplete). Drops are counted.
 *
 * <p>Implementation note: not thread-safe. {@link StoreContents} holds it and calls it only with
 * {@link TelemetryStore}'s lock held. Invariants between calls: {@code bytes} is the sum of each
 * process's {@link Proc#bytes()}; {@code processes.size() <= maxProcesses}; every pending list has
 * at most {@code maxPerRound} goroutines.
 */
final class RunningNow {
  /** A process is gone when its last round is older than this many of its intervals. */
  static final int GONE_AFTER_INTERVALS = 3;

  /** How long a process that never closed a round is kept. */
  static final long PENDING_TTL_MILLIS = 60_000;

  /** The default cap on processes. */
  static final int DEFAULT_MAX_PROCESSES = 64;

  /** The default cap on goroutines per round. */
  static final int DEFAULT_MAX_PER_ROUND = 10_000;

  /** Estimated heap of a process's own bookkeeping. */
  private static final long PROCESS_OVERHEAD = 1024;

  private final int maxProcesses;
  private final int maxPerRound;
  private final long maxBytes;
  private final Map<String, Proc> processes = new LinkedHashMap<>();
  private long bytes;
  private long droppedRecords;
  private long droppedProcesses;

  /** One process's state. */
  private static final class Proc {
    final String key;
    final String serviceName;
    final String instanceId;
    final Map<String, String> resource;
    final long resourceBytes;
    @Nullable RunningProcess current;
    long currentBytes;
    long pendingRound = Long.MIN_VALUE;
    final Map<Long, RunningGoroutine> pending = new LinkedHashMap<>();
    long pendingBytes;
    boolean pendingTruncated;
    long lastHeardMillis;
    long lastRoundMillis;

    Proc(LiveRecords.Sender process) {
      this.key = process.key();
      this.serviceName = process.serviceName();
      this.instanceId = process.instanceId();
      this.resource = process.resource();
      this.resourceBytes = resourceBytes(process);
    }

    long bytes() {
      return PROCESS_OVERHEAD + resourceBytes + currentBytes + pendingBytes;
    }

    boolean gone(long nowMillis) {
      if (current == null) {
        return nowMillis - lastHeardMillis > PENDING_TTL_MILLIS;
      }
      return nowMillis - lastRoundMillis > GONE_AFTER_INTERVALS * current.intervalMillis();
    }

    private static long resourceBytes(LiveRecords.Sender process) {
      long total = 0;
      for (Map.Entry<String, String> e : process.resource().entrySet()) {
        total += 80 + 2L * (e.getKey().length() + e.getValue().length());
      }
      return total + 2L * (process.key().length() + process.serviceName().length());
    }
  }

  RunningNow(int maxProcesses, int maxPerRound, long maxBytes) {
    if (maxProcesses < 1 || maxPerRound < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    this.maxProcesses = maxProcesses;
    this.maxPerRound = maxPerRound;
    this.maxBytes = maxBytes;
  }

  /**
   * Applies the live records of one export, in order, at receiver time {@code nowMillis}.
   *
   * @return the rounds closed, one per process at most (its last)
   */
  List<RunningProcess> add(List<LiveRecords.Sender> arrived, long nowMillis) {
    expire(nowMillis);
    Map<String, RunningProcess> closed = new LinkedHashMap<>();
    for (LiveRecords.Sender process : arrived) {
      Proc proc = processFor(process, nowMillis);
      if (proc == null) {
        droppedRecords += process.items().size();
        continue;
      }
      proc.lastHeardMillis = nowMillis;
      for (LiveRecords.Item item : process.items()) {
        switch (item) {
          case LiveRecords.Running running -> pend(proc, running.goroutine());
          case LiveRecords.RoundEnd end -> closed.put(proc.key, close(proc, end, nowMillis));
        }
      }
    }
    return List.copyOf(closed.values());
  }

  private @Nullable Proc processFor(LiveRecords.Sender process, long nowMillis) {
    Proc proc = processes.get(process.key());
    if (proc != null) {
      return proc;
    }
    while (processes.size() >= maxProcesses) {
      Proc least =
          processes.values().stream().min(Comparator.comparingLong(p -> p.lastHeardMillis)).get();
      remove(least);
      droppedProcesses++;
    }
    proc = new Proc(process);
    proc.lastHeardMillis = nowMillis;
    if (bytes + proc.bytes() > maxBytes) {
      droppedProcesses++;
      return null;
    }
    processes.put(proc.key, proc);
    bytes += proc.bytes();
    return proc;
  }

  private void pend(Proc proc, RunningGoroutine goroutine) {
    if (goroutine.round() != proc.pendingRound) {
      bytes -= proc.pendingBytes;
      proc.pending.clear();
      proc.pendingBytes = 0;
      proc.pendingTruncated = false;
      proc.pendingRound = goroutine.round();
    }
    RunningGoroutine before = proc.pending.get(goroutine.id());
    long size = goroutine.estimatedBytes();
    long freed = before == null ? 0 : before.estimatedBytes();
    if ((before == null && proc.pending.size() >= maxPerRound) || bytes + size - freed > maxBytes) {
      proc.pendingTruncated = true;
      droppedRecords++;
      return;
    }
    proc.pending.put(goroutine.id(), goroutine);
    proc.pendingBytes += size - freed;
    bytes += size - freed;
  }

  private RunningProcess close(Proc proc, LiveRecords.RoundEnd end, long nowMillis) {
    List<RunningGoroutine> goroutines = List.of();
    boolean truncated = false;
    long size = 0;
    if (proc.pendingRound == end.round()) {
      goroutines = List.copyOf(proc.pending.values());
      truncated = proc.pendingTruncated;
      size = proc.pendingBytes;
    }
    RunningProcess round =
        new RunningProcess(
            proc.key,
            proc.serviceName,
            proc.instanceId,
            proc.resource,
            end.round(),
            end.timeUnixNanos(),
            nowMillis,
            end.intervalMillis(),
            end.count(),
            end.blocked(),
            !truncated && goroutines.size() >= end.count(),
            goroutines);
    bytes -= proc.currentBytes + proc.pendingBytes;
    proc.current = round;
    proc.currentBytes = size;
    proc.pending.clear();
    proc.pendingBytes = 0;
    proc.pendingTruncated = false;
    proc.pendingRound = Long.MIN_VALUE;
    proc.lastRoundMillis = nowMillis;
    bytes += size;
    return round;
  }

  /** Drops the processes that are gone at {@code nowMillis}. */
  void expire(long nowMillis) {
    for (Proc proc : List.copyOf(processes.values())) {
      if (proc.gone(nowMillis)) {
        remove(proc);
      }
    }
  }

  /** Drops the process heard from least recently, to free bytes; false if none is held. */
  boolean evictOldest() {
    Proc least =
        processes.values().stream()
            .min(Comparator.comparingLong(p -> p.lastHeardMillis))
            .orElse(null);
    if (least == null) {
      return false;
    }
    remove(least);
    droppedProcesses++;
    return true;
  }

  private void remove(Proc proc) {
    processes.remove(proc.key);
    bytes -= proc.bytes();
  }

  /** The last closed round of each process not gone at {@code nowMillis}, oldest process first. */
  List<RunningProcess> snapshot(long nowMillis) {
    expire(nowMillis);
    List<RunningProcess> out = new ArrayList<>();
    for (Proc proc : processes.values()) {
      if (proc.current != null) {
        out.add(proc.current);
      }
    }
    return out;
  }

  long bytes() {
    return bytes;
  }

  long droppedRecords() {
    return droppedRecords;
  }

  void countDropped(long records) {
    droppedRecords += records;
  }

  long droppedProcesses() {
    return droppedProcesses;
  }

  int processCount() {
    return processes.size();
  }

  /** Drops everything, without counting it as dropped. */
  void clear() {
    processes.clear();
    bytes = 0;
  }
}
