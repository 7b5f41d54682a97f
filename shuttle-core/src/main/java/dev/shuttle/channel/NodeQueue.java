package dev.shuttle.channel;

import org.jspecify.annotations.Nullable;

/**
 * An intrusive FIFO of {@link Node}s with O(1) removal from the middle (a cancelled waiter leaves
 * at once, so a channel polled in a {@code select} loop with a timer never accumulates dead nodes).
 * Not thread-safe: every method is called under the owning channel's lock.
 */
final class NodeQueue {
  private @Nullable Node head;
  private @Nullable Node tail;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void add(Node node) {
    node.prev = tail;
    node.next = null;
    if (tail == null) {
      head = node;
    } else {
      tail.next = node;
    }
    tail = node;
    node.linked = true;
    size++;
  }

  /** Removes and returns the oldest node, or {@code null}. */
  @Nullable Node poll() {
    Node node = head;
    if (node != null) {
      remove(node);
    }
    return node;
  }

  /** Removes {@code node} if it is still queued here. */
  void remove(Node node) {
    if (!node.linked) {
      return;
    }
    Node p = node.prev;
    Node n = node.next;
    if (p == null) {
      head = n;
    } else {
      p.next = n;
    }
    if (n == null) {
      tail = p;
    } else {
      n.prev = p;
    }
    node.prev = null;
    node.next = null;
    node.linked = false;
    size--;
  }
}
