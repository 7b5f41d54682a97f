package dev.shuttle.flow;

import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Puts the items of an ordered pipeline run back in source order at the sink: items arrive in any
 * order, and each is released once every item before it has been released (a dropped item's
 * tombstone releases its place). Releasing an item returns its token to the run's window, so the
 * source may let another item in.
 *
 * <p>Implementation note: confined to the sink thread of one run (no lock, no shared mutable
 * state); only the window channel is shared, and it is thread-safe.
 */
final class Resequencer {
  private final Channel<Boolean> window;
  private final TreeMap<Long, Message<PipelineItem>> pending = new TreeMap<>();
  private long next;

  /** A resequencer for a run whose source takes one token of {@code window} per item. */
  Resequencer(Channel<Boolean> window) {
    this.window = window;
  }

  /**
   * Accepts one item and hands {@code emit}, in source order, each item that is now in sequence,
   * freeing its token first. If {@code emit} throws, the items after the one it threw for stay
   * waiting (see {@link #takeWaiting}).
   */
  void accept(Message<PipelineItem> message, Emitter emit) throws InterruptedException {
    pending.put(message.value().seq(), message);
    for (Message<PipelineItem> ready = pending.remove(next);
        ready != null;
        ready = pending.remove(next)) {
      next++;
      window.tryReceive(); // frees the item's token
      emit.emit(ready);
    }
  }

  /** Returns the items still waiting for an earlier one, and forgets them. */
  List<Message<PipelineItem>> takeWaiting() {
    List<Message<PipelineItem>> waiting = new ArrayList<>(pending.values());
    pending.clear();
    return waiting;
  }

  /** Takes an item that is in sequence onwards. */
  interface Emitter {
    void emit(Message<PipelineItem> message) throws InterruptedException;
  }
}
