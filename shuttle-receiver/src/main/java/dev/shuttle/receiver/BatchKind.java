package dev.shuttle.receiver;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * How the store measures and trims one kind of batch ({@code ResourceMetrics} or {@code
 * ResourceLogs}): its items (data points or log records), its estimated size, and how to drop its
 * oldest elements.
 *
 * <p>The elements of a batch are its items in the order they were sent (resource, scope, metric,
 * then point order); a metric without data points is one element of no item, so that trimming
 * treats it like a point. {@link #keepNewest} keeps the newest elements of an export that alone
 * exceeds the store's limits.
 *
 * <p>Thread-safety: implementations are stateless and safe from any thread.
 *
 * @param <T> the batch type
 */
interface BatchKind<T> {
  /** The store's own overhead per held batch (its entry in the queue). */
  long ENTRY_OVERHEAD = 48;

  /** Returns the number of items (data points or log records) of a batch. */
  int items(T batch);

  /** Returns the number of elements of a batch: its items, plus its metrics without data. */
  int elements(T batch);

  /** Returns the estimated heap size of a batch, without the store's entry overhead. */
  long bytes(T batch);

  /**
   * Returns the batch without its first {@code drop} elements, where {@code 0 < drop <
   * elements(batch)}; containers left without elements are dropped.
   */
  T dropFirst(T batch, int drop);

  /** A batch with its item count and its estimate, including {@link #ENTRY_OVERHEAD}. */
  record Sized<T>(T batch, int items, long bytes) {}

  /** An export's batches after trimming, measured, with what trimming dropped. */
  record Trimmed<T>(List<Sized<T>> batches, long droppedItems, long droppedBytes) {}

  /**
   * Returns the newest elements of an export's batches that fit {@code maxItems} and {@code
   * maxBytes} on their own, or the batches themselves if they fit, each measured. Found by a binary
   * search over how many elements to drop: both measures shrink as more go.
   */
  default Trimmed<T> keepNewest(List<T> batches, int maxItems, long maxBytes) {
    List<Sized<T>> measured = measure(batches);
    long items = totalItems(measured);
    long bytes = totalBytes(measured);
    if (items <= maxItems && bytes <= maxBytes) {
      return new Trimmed<>(measured, 0, 0);
    }
    int elements = 0;
    for (T batch : batches) {
      elements += elements(batch);
    }
    List<Sized<T>> kept = List.of();
    if (elements > 0 && fits(dropAcross(batches, elements), maxItems, maxBytes)) {
      int low = 1; // invariant: dropping `high` fits; dropping fewer than `low` does not
      int high = elements;
      while (low < high) {
        int middle = low + (high - low) / 2;
        if (fits(dropAcross(batches, middle), maxItems, maxBytes)) {
          high = middle;
        } else {
          low = middle + 1;
        }
      }
      kept = measure(dropAcross(batches, high));
    }
    return new Trimmed<>(kept, items - totalItems(kept), bytes - totalBytes(kept));
  }

  private List<Sized<T>> measure(List<T> batches) {
    List<Sized<T>> measured = new ArrayList<>(batches.size());
    for (T batch : batches) {
      measured.add(new Sized<>(batch, items(batch), bytes(batch) + ENTRY_OVERHEAD));
    }
    return measured;
  }

  private static <T> long totalItems(List<Sized<T>> batches) {
    long items = 0;
    for (Sized<T> batch : batches) {
      items += batch.items();
    }
    return items;
  }

  private static <T> long totalBytes(List<Sized<T>> batches) {
    long bytes = 0;
    for (Sized<T> batch : batches) {
      bytes += batch.bytes();
    }
    return bytes;
  }

  private boolean fits(List<T> batches, int maxItems, long maxBytes) {
    List<Sized<T>> measured = measure(batches);
    return totalItems(measured) <= maxItems && totalBytes(measured) <= maxBytes;
  }

  /** Drops the first {@code drop} elements across the batches (see {@link #dropFront}). */
  private List<T> dropAcross(List<T> batches, int drop) {
    List<T> kept = new ArrayList<>();
    dropFront(batches, drop, this::elements, this::dropFirst, kept);
    return kept;
  }

  /**
   * Adds to {@code kept} what remains of {@code parts} without their first {@code drop} elements:
   * parts wholly before the cut go (also those with no elements), the part the cut falls in is
   * trimmed with {@code trim}, the parts after it are kept as they are.
   *
   * @return how many of the {@code drop} elements were not found in {@code parts}
   */
  static <P> int dropFront(
      List<P> parts, int drop, ToIntFunction<P> elements, Trim<P> trim, List<P> kept) {
    int remaining = drop;
    for (P part : parts) {
      int size = elements.applyAsInt(part);
      if (remaining > 0 && remaining >= size) {
        remaining -= size;
      } else if (remaining > 0) {
        kept.add(trim.dropFirst(part, remaining));
        remaining = 0;
      } else {
        kept.add(part);
      }
    }
    return remaining;
  }

  /** Drops the first elements of a part that has more elements than that. */
  @FunctionalInterface
  interface Trim<P> {
    /** Returns {@code part} without its first {@code drop} elements. */
    P dropFirst(P part, int drop);
  }
}
