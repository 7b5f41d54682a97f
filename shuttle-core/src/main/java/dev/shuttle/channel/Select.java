package dev.shuttle.channel;

import dev.shuttle.context.Cancellation;
import dev.shuttle.context.Contexts;
import dev.shuttle.context.Stoppable;
import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.LiveGoroutine;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Go's {@code select}: waits until one of several channel operations can proceed, performs exactly
 * that one, and returns what its case maps it to.
 *
 * {@snippet :
 * ReceiveChannel<Instant> timeout = Timers.after(Duration.ofSeconds(2));
 * String outcome = Select.select(
 *     orders.onReceive(order -> "order " + order.id()),
 *     refunds.onReceiveOrClosed(r -> r instanceof Message<Refund> m ? "refund" : "refunds closed"),
 *     results.onSend(latest, () -> "published"),
 *     Select.onDone(requestContext, () -> "cancelled"),
 *     timeout.onReceive(t -> "timed out"));
 * }
 *
 * <p>Go's rules: when several cases are ready, one is chosen uniformly at random (so no case
 * starves); a receive case on a closed and drained channel is always ready and reports it closed
 * (its {@link ReceiveChannel#onReceive} form throws {@link ChannelClosedException}, its {@link
 * ReceiveChannel#onReceiveOrClosed} form gets {@link Closed}); a send case on a closed channel is
 * ready and throws {@link ChannelClosedException} (its {@link SendChannel#onSendOrClosed} form gets
 * {@link Closed}); a {@linkplain #defaultCase default case} is chosen when no other case is ready;
 * a {@linkplain SelectCase#onlyIf disabled case} is never chosen; with no enabled case and no
 * default, {@code select} waits until its context is done or the thread is interrupted. The case's
 * function runs after the operation, on the calling thread, with no lock held.
 *
 * <p>Implementation note: the select first tries the cases in an order shuffled with {@link
 * ThreadLocalRandom}, taking one channel's lock at a time, and performs the first ready one — that
 * is the linearisation point. If none was ready, it locks all its channels in ascending {@link
 * Channel#id} order (a global order, so concurrent selects cannot deadlock; duplicate channels
 * re-enter the lock) and tries them again in the same order; with all locks held, "none is ready"
 * holds at one instant, and only then is the default taken. If none is ready and there is no
 * default, it queues one {@link Node} per case on its channel, in the same shuffled order (so of
 * two cases on one channel, each is ahead in the queue equally often), all sharing one {@link
 * Waiter}, releases the locks and parks. The first counterpart to CAS the waiter chooses the case;
 * the selecting thread then removes its other nodes, taking each channel's lock on its own. A done
 * case registers a callback that claims the waiter with its index. A select woken by a done signal
 * (a done case's, or its own context's) has consumed nothing, so it chooses again, uniformly, among
 * the done cases that are ready by then; only if none is does its context's exception end it.
 */
@SuppressWarnings("ReferenceEquality") // NONE and CLOSED are sentinels, compared by identity
public final class Select {
  private Select() {}

  /**
   * Waits for the first ready case, in {@link Context#current()}, and returns its result.
   *
   * <p>If the context is done, on entry or while the select waits, a ready {@linkplain #onDone done
   * case} is chosen (Go's {@code case <-ctx.Done():}; a case for the context itself or for any
   * other done context, such as an ancestor whose cancellation reached this one), uniformly among
   * the ready done cases; without one, the select throws {@link
   * dev.shuttle.context.ContextDoneException}, as every blocking Shuttle call does. A done context
   * takes precedence over ready channel cases (Go would choose at random between them; a Go program
   * cannot rely on either choice, and Shuttle's blocking calls all stop on a done context).
   *
   * @param cases the cases to choose from
   * @param <R> what the select returns
   * @return the chosen case's result
   * @throws IllegalArgumentException if there is more than one default case
   * @throws ChannelClosedException as described for receive and send cases on closed channels
   * @throws dev.shuttle.context.ContextDoneException if the current context is done first and no
   *     done case is ready
   * @throws InterruptedException if the thread is interrupted before a case is chosen
   */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only read, through an immutable List.of copy
  public static <R> R select(SelectCase<? extends R>... cases) throws InterruptedException {
    return select(Context.current(), List.of(cases));
  }

  /**
   * Waits for the first ready case, or until {@code context} is done.
   *
   * @param context the context whose cancellation ends the wait
   * @param cases the cases to choose from
   * @param <R> what the select returns
   * @return the chosen case's result
   * @throws IllegalArgumentException if there is more than one default case
   * @throws ChannelClosedException as described for receive and send cases on closed channels
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done first and no done
   *     case is ready
   * @throws InterruptedException if the thread is interrupted before a case is chosen
   */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only read, through an immutable List.of copy
  public static <R> R select(Context context, SelectCase<? extends R>... cases)
      throws InterruptedException {
    return select(context, List.of(cases));
  }

  /**
   * Waits for the first ready case of a list built at run time, or until {@code context} is done.
   *
   * @param context the context whose cancellation ends the wait
   * @param cases the cases to choose from
   * @param <R> what the select returns
   * @return the chosen case's result
   * @throws IllegalArgumentException if there is more than one default case
   * @throws ChannelClosedException as described for receive and send cases on closed channels
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done first and no done
   *     case is ready
   * @throws InterruptedException if the thread is interrupted before a case is chosen
   */
  // Error Prone cannot follow lockAll: it holds every case's channel.lock, taken in a loop.
  @SuppressWarnings("GuardedBy")
  public static <R> R select(Context context, List<? extends SelectCase<? extends R>> cases)
      throws InterruptedException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(cases, "cases");
    Cancellation cancellation = Contexts.cancellation(context);
    if (cancellation.isDone()) {
      int done = readyDoneCase(cases); // Go's `case <-ctx.Done():` is this select's answer
      if (done >= 0) {
        return cases.get(done).complete();
      }
      cancellation.throwIfDone();
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    int n = cases.size();
    int defaultIndex = -1;
    int channelCount = 0;
    for (int i = 0; i < n; i++) {
      SelectCase<? extends R> c = Objects.requireNonNull(cases.get(i), "cases[" + i + "]");
      switch (c.kind) {
        case DEFAULT -> {
          if (defaultIndex >= 0) {
            throw new IllegalArgumentException(
                "a select may have at most one default case, but cases "
                    + defaultIndex
                    + " and "
                    + i
                    + " are both defaults");
          }
          defaultIndex = i;
        }
        case RECEIVE, SEND -> channelCount++;
        case DONE, DISABLED -> {}
      }
    }
    int[] order = shuffledIndices(n);
    Attempt attempt = new Attempt();
    // First pass, one channel lock at a time: a ready case is taken without holding the others
    // (their producers and consumers keep going), as each attempt is a complete operation. Not
    // the default: "nothing is ready" must hold at one instant, which only the locked pass sees.
    for (int k = 0; k < n && attempt.chosen < 0; k++) {
      int i = order[k];
      SelectCase<? extends R> c = cases.get(i);
      Channel<?> channel = c.channel;
      if (channel == null) {
        attempt.tryLocked(c, i); // a done case (default and disabled ones do nothing): no lock
        continue;
      }
      Ring ring = channel.ring();
      if (ring != null && attempt.tryRing(c, i, channel, ring)) {
        continue; // a buffered channel answered without its lock
      }
      channel.lockForSelect();
      Waiter toWake;
      try {
        attempt.tryLocked(c, i);
      } finally {
        toWake = channel.takeClaimed();
        channel.lock.unlock();
      }
      Channel.wake(toWake);
    }
    if (attempt.chosen >= 0) {
      return finish(cases.get(attempt.chosen), attempt.item, attempt.carried);
    }
    // Nothing was ready: lock them all, try again (something may have become ready), then take
    // the default or queue.
    Channel<?>[] channels = lockOrder(cases, channelCount);
    Waiter waiter = new Waiter();
    @Nullable Node[] nodes = null;
    int spinRounds = 0; // a select spins if it is first in line on any of its channels
    lockAll(channels, defaultIndex >= 0);
    try {
      for (int k = 0; k < n && attempt.chosen < 0; k++) {
        int i = order[k];
        attempt.tryLocked(cases.get(i), i);
      }
      if (attempt.chosen < 0 && defaultIndex >= 0) {
        attempt.chosen = defaultIndex;
      }
      if (attempt.chosen < 0) {
        nodes = new Node[n];
        for (int k = 0; k < n; k++) {
          // Queued in the shuffled order too: when one counterpart could take either of two cases
          // on the same channel, the queue order decides, and it must not favour the first case.
          int i = order[k];
          SelectCase<? extends R> c = cases.get(i);
          if (c.kind == SelectCase.Kind.RECEIVE || c.kind == SelectCase.Kind.SEND) {
            boolean sender = c.kind == SelectCase.Kind.SEND;
            Node node = new Node(waiter, i, sender, c.value, c.sendContext);
            spinRounds =
                Math.max(spinRounds, Objects.requireNonNull(c.channel).enqueueLocked(node));
            nodes[i] = node;
          }
        }
      }
    } finally {
      unlockAll(channels);
    }
    if (attempt.chosen >= 0) {
      return finish(cases.get(attempt.chosen), attempt.item, attempt.carried);
    }
    @Nullable Node[] queued = Objects.requireNonNull(nodes, "queued nodes");
    if (spinRounds > 0) {
      boolean met = waiter.spin(spinRounds);
      for (Channel<?> channel : channels) {
        channel.spun(met);
      }
    }
    int state = awaitCases(cases, queued, waiter, cancellation);
    SelectCase<? extends R> c = cases.get(state);
    Node node = queued[state];
    if (node == null) {
      return c.complete(); // a done case
    }
    return finish(c, node.item, node.context);
  }

  /** The case a pass chose, with what it received. */
  private static final class Attempt {
    int chosen = -1;
    @Nullable Object item = Channel.NONE;
    @Nullable Context carried;

    /**
     * Tries a case on a buffered channel without its lock.
     *
     * @return whether the ring decided: the case was taken, or it is not ready (full or empty);
     *     {@code false} if waiters' flags send the decision to the lock
     */
    boolean tryRing(SelectCase<?> c, int i, Channel<?> channel, Ring ring) {
      if (c.kind == SelectCase.Kind.RECEIVE) {
        long h = ring.claim(false);
        if (h >= 0) {
          carried = ring.context(h);
          item = channel.takeClaimedSlot(ring, h);
          chosen = i;
          return true;
        }
        if (h == Ring.CLOSED) {
          item = Channel.CLOSED;
          chosen = i;
          return true;
        }
        return h == Ring.EMPTY;
      }
      long t = ring.reserve(false);
      if (t >= 0) {
        if (ring.publish(t, Objects.requireNonNull(c.value), c.sendContext)) {
          channel.settle(ring);
        }
        chosen = i;
        return true;
      }
      if (t == Ring.CLOSED) {
        item = Channel.CLOSED;
        chosen = i;
        return true;
      }
      return t == Ring.FULL;
    }

    /** Tries case {@code i}; a channel case needs its channel's lock held. */
    // Error Prone cannot see that the callers hold c.channel.lock.
    @SuppressWarnings("GuardedBy")
    void tryLocked(SelectCase<?> c, int i) {
      switch (c.kind) {
        case RECEIVE -> {
          Channel<?> channel = Objects.requireNonNull(c.channel);
          Object received = channel.receiveLocked();
          if (received != Channel.NONE) {
            chosen = i;
            item = received;
            carried = channel.takePolledContext();
          }
        }
        case SEND -> {
          Channel<?> channel = Objects.requireNonNull(c.channel);
          if (channel.closedLocked()) {
            chosen = i;
            item = Channel.CLOSED;
          } else if (channel.offerLocked(Objects.requireNonNull(c.value), c.sendContext)) {
            chosen = i;
          }
        }
        case DONE -> {
          if (Objects.requireNonNull(c.cancellation).isDone()) {
            chosen = i;
          }
        }
        case DEFAULT, DISABLED -> {}
      }
    }
  }

  private static int awaitCases(
      List<? extends SelectCase<?>> cases,
      @Nullable Node[] nodes,
      Waiter waiter,
      Cancellation cancellation)
      throws InterruptedException {
    int n = cases.size();
    @Nullable Stoppable[] registrations = null;
    int state = Waiter.CANCELLED;
    try {
      for (int i = 0; i < n; i++) {
        SelectCase<?> c = cases.get(i);
        if (c.kind == SelectCase.Kind.DONE) {
          if (registrations == null) {
            registrations = new Stoppable[n];
          }
          int index = i;
          registrations[i] =
              Objects.requireNonNull(c.cancellation).onDone(() -> waiter.claimAndWake(index));
        }
      }
      LiveGoroutine blocked =
          waiter.state() == Waiter.WAITING
              ? GoroutineRegistry.block(cases, BlockSites.SELECT)
              : null;
      try {
        state = waiter.await(cancellation);
      } finally {
        GoroutineRegistry.unblock(blocked);
      }
    } finally {
      if (registrations != null) {
        for (Stoppable registration : registrations) {
          if (registration != null) {
            registration.stop();
          }
        }
      }
      for (int i = 0; i < n; i++) {
        Node node = nodes[i];
        if (node != null && i != state) { // the chosen node was removed by its claimer
          Objects.requireNonNull(cases.get(i).channel).unlink(node);
        }
      }
    }
    if (state == Waiter.CANCELLED || nodes[state] == null) {
      // Woken by a done signal, not by a channel: nothing was consumed, so the choice is still
      // open. Which callback claimed the waiter first is an accident of registration order (a
      // child's own cancellation runs before a done case on its parent), so choose again among
      // every done case that is ready now, uniformly; the context's exception only if none is.
      int done = readyDoneCase(cases);
      if (done >= 0) {
        return done;
      }
      cancellation.throwIfDone();
      throw new IllegalStateException("select cancelled while its context is not done");
    }
    return state;
  }

  /** Returns the index of a done case whose context is done, chosen uniformly, or -1 if none. */
  private static int readyDoneCase(List<? extends SelectCase<?>> cases) {
    int chosen = -1;
    int ready = 0;
    for (int i = 0; i < cases.size(); i++) {
      SelectCase<?> c = Objects.requireNonNull(cases.get(i), "cases[" + i + "]");
      if (c.kind == SelectCase.Kind.DONE && Objects.requireNonNull(c.cancellation).isDone()) {
        ready++;
        if (ThreadLocalRandom.current().nextInt(ready) == 0) { // reservoir sampling of one
          chosen = i;
        }
      }
    }
    return chosen;
  }

  private static <R> R finish(
      SelectCase<? extends R> c, @Nullable Object item, @Nullable Context carried) {
    Channel<?> channel = c.channel;
    if (c.kind == SelectCase.Kind.RECEIVE) {
      Objects.requireNonNull(channel);
      Received<?> received =
          item == Channel.CLOSED
              ? new Closed<>(channel.closeError())
              : new Message<>(Objects.requireNonNull(item), channel.carriedContext(carried));
      return c.complete(received);
    }
    if (c.kind == SelectCase.Kind.SEND) {
      return c.completeSend(
          item == Channel.CLOSED
              ? new Closed<>(Objects.requireNonNull(channel).closeError())
              : SendStatus.SENT);
    }
    return c.complete();
  }

  /** Returns the channels of the enabled channel cases sorted by id: the global lock order. */
  private static Channel<?>[] lockOrder(List<? extends SelectCase<?>> cases, int channelCount) {
    Channel<?>[] channels = new Channel<?>[channelCount];
    int size = 0;
    for (SelectCase<?> c : cases) {
      if (c.kind == SelectCase.Kind.RECEIVE || c.kind == SelectCase.Kind.SEND) {
        Channel<?> channel = Objects.requireNonNull(c.channel);
        int j = size++;
        while (j > 0 && channels[j - 1].id > channel.id) {
          channels[j] = channels[j - 1];
          j--;
        }
        channels[j] = channel;
      }
    }
    return channels;
  }

  /** Locks every channel; with {@code freeze}, also stops their lock-free operations. */
  @SuppressWarnings("GuardedBy") // Error Prone does not see lockForSelect take channel.lock
  private static void lockAll(Channel<?>[] channels, boolean freeze) {
    for (Channel<?> channel : channels) {
      channel.lockForSelect();
      if (freeze) {
        channel.freezeLocked();
      }
    }
  }

  @SuppressWarnings("GuardedBy") // called with every channel.lock held, taken by lockAll
  private static void unlockAll(Channel<?>[] channels) {
    for (int i = channels.length - 1; i >= 0; i--) {
      Channel<?> channel = channels[i];
      channel.thawLocked();
      Waiter toWake = channel.takeClaimed();
      channel.lock.unlock();
      Channel.wake(toWake);
    }
  }

  private static int[] shuffledIndices(int n) {
    int[] order = new int[n];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) {
      int j = random.nextInt(i + 1); // inside-out Fisher–Yates: a uniform permutation
      order[i] = order[j];
      order[j] = i;
    }
    return order;
  }

  // ------------------------------------------------------------------ cases

  /**
   * {@return a case that is chosen once {@code context} is done (Go's {@code case <-ctx.Done()})}
   *
   * @param context the context whose done signal the case waits for
   * @param then supplies what the select returns when this case is chosen
   * @param <R> what the select returns when this case is chosen
   */
  public static <R> SelectCase<R> onDone(Context context, Supplier<? extends R> then) {
    Objects.requireNonNull(then, "then");
    return SelectCase.done(Contexts.cancellation(context), then);
  }

  /**
   * {@return the case chosen when no other case is ready (Go's {@code default:})}
   *
   * @param then supplies what the select returns when this case is chosen
   * @param <R> what the select returns when this case is chosen
   */
  public static <R> SelectCase<R> defaultCase(Supplier<? extends R> then) {
    return SelectCase.defaultCase(Objects.requireNonNull(then, "then"));
  }

  /**
   * {@return a case that is never chosen (Go's case on a {@code nil} channel)}
   *
   * @param <R> what the select would return
   */
  public static <R> SelectCase<R> disabled() {
    return SelectCase.disabled();
  }

  // ------------------------------------------------------------------ fan-in

  /**
   * Receives from all {@code channels} at once and hands every message to {@code handler}, on the
   * calling thread, until every channel is closed and drained: each channel leaves the select as it
   * closes. Messages from one channel keep their order; between channels, the choice is fair.
   *
   * @param context the context whose cancellation ends the wait
   * @param channels the channels to receive from
   * @param handler handles each message as it is received
   * @param <T> the values' type
   * @throws ChannelClosedException if a channel was closed with an error (after its buffered values
   *     were handled)
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done first
   * @throws InterruptedException if the thread is interrupted while waiting, or the handler throws
   *     it
   */
  public static <T> void receiveAll(
      Context context,
      Collection<? extends ReceiveChannel<? extends T>> channels,
      MessageHandler<T> handler)
      throws InterruptedException {
    Objects.requireNonNull(handler, "handler");
    List<ReceiveChannel<? extends T>> open = new ArrayList<>(channels);
    List<SelectCase<Step>> cases = casesFor(open);
    while (!open.isEmpty()) {
      Step step = select(context, cases);
      switch (step.received()) {
        case Message<?> message -> handler.handle(castMessage(message));
        case Closed<?> closed -> {
          if (closed.error() != null) {
            throw closed.toException();
          }
          open.remove(step.index());
          cases = casesFor(open);
        }
      }
    }
  }

  private record Step(int index, Received<?> received) {}

  private static List<SelectCase<Step>> casesFor(List<? extends ReceiveChannel<?>> open) {
    List<SelectCase<Step>> cases = new ArrayList<>(open.size());
    for (int i = 0; i < open.size(); i++) {
      int index = i;
      cases.add(open.get(i).onReceiveOrClosed(received -> new Step(index, received)));
    }
    return cases;
  }

  @SuppressWarnings("unchecked") // Message is immutable: a Message<? extends T> is a Message<T>
  private static <T> Message<T> castMessage(Message<?> message) {
    return (Message<T>) message;
  }
}
