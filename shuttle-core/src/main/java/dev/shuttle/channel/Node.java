package dev.shuttle.channel;

import io.opentelemetry.context.Context;
import org.jspecify.annotations.Nullable;

/**
 * One case of a blocked operation, queued on one channel: a waiting sender with its message, or a
 * waiting receiver with the slot its message is delivered into.
 *
 * <p>{@code prev}, {@code next} and {@code linked} are guarded by the owning channel's lock. {@code
 * item} and {@code context} of a sender are written before the node is queued (under the lock); of
 * a receiver, by the claimer before its CAS on {@link #waiter} (see {@link Waiter}).
 */
final class Node {
  final Waiter waiter;
  final int caseIndex;
  final boolean sender;

  @Nullable Object item;
  @Nullable Context context;

  @Nullable Node prev;
  @Nullable Node next;
  boolean linked;

  Node(Waiter waiter, int caseIndex, boolean sender, @Nullable Object item, @Nullable Context c) {
    this.waiter = waiter;
    this.caseIndex = caseIndex;
    this.sender = sender;
    this.item = item;
    this.context = c;
  }
}
