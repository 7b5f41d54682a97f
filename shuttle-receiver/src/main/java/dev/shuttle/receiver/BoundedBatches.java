package dev.shuttle.receiver;

import java.util.ArrayDeque;
import java.util.List;

/**
 * A first-in first-out queue of batches (such as {@code ResourceMetrics}) with the count of their
 * items and their estimated size, and counters of what was evicted. It enforces no limit itself:
 * {@link StoreContents} decides what to evict, as the byte limit spans all signals.
 *
 * <p>Implementation note: not thread-safe. {@link StoreContents} holds it and calls it only with
 * {@link TelemetryStore}'s lock held. Invariants between calls: {@code items} and {@code bytes} are
 * the sums over {@code batches} (each batch's estimate includes {@link BatchKind#ENTRY_OVERHEAD});
 * {@code batches} is in increasing {@code seq} order, the store's arrival sequence shared by all
 * signals.
 *
 * @param <T> the batch type
 */
final class BoundedBatches<T> {
  private record Entry<T>(T batch, int items, long bytes, long seq) {}

  private final ArrayDeque<Entry<T>> batches = new ArrayDeque<>();
  private long items;
  private long bytes;
  private long evictedItems;
  private long evictedBytes;

  /** Appends a measured batch with its arrival sequence number, the highest so far. */
  void add(BatchKind.Sized<T> batch, long seq) {
    Entry<T> entry = new Entry<>(batch.batch(), batch.items(), batch.bytes(), seq);
    batches.addLast(entry);
    items += entry.items();
    bytes += entry.bytes();
  }

  /** Counts items that arrived but were dropped before being added, as evicted. */
  void countDropped(long droppedItems, long droppedBytes) {
    evictedItems += droppedItems;
    evictedBytes += droppedBytes;
  }

  /**
   * Returns the arrival sequence number of the oldest batch if it arrived before {@code
   * protectFrom}, else {@link Long#MAX_VALUE}.
   */
  long oldestSeq(long protectFrom) {
    Entry<T> oldest = batches.peekFirst();
    return oldest == null || oldest.seq() >= protectFrom ? Long.MAX_VALUE : oldest.seq();
  }

  /** Evicts the oldest batch; the queue must not be empty. */
  void evictOldest() {
    Entry<T> oldest = batches.removeFirst();
    items -= oldest.items();
    bytes -= oldest.bytes();
    evictedItems += oldest.items();
    evictedBytes += oldest.bytes();
  }

  List<T> snapshot() {
    return batches.stream().map(Entry::batch).toList();
  }

  long items() {
    return items;
  }

  long bytes() {
    return bytes;
  }

  long evictedItems() {
    return evictedItems;
  }

  long evictedBytes() {
    return evictedBytes;
  }

  /** Removes every batch without counting it as evicted. */
  void clear() {
    batches.clear();
    items = 0;
    bytes = 0;
  }
}
