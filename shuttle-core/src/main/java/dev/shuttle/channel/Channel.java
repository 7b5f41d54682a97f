package dev.shuttle.channel;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.context.Cancellation;
import dev.shuttle.context.Contexts;
import dev.shuttle.internal.Checks;
import dev.shuttle.internal.GoroutineRegistry;
import dev.shuttle.internal.LiveGoroutine;
import dev.shuttle.internal.SpinLocks;
import io.opentelemetry.context.Context;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * Go's channel for virtual threads: a rendezvous or bounded FIFO between threads, with Go's close
 * rules, {@code len}/{@code cap}, context-aware blocking, and the sender's OpenTelemetry context
 * carried with every value.
 *
 * {@snippet :
 * Channel<String> words = Channel.buffered(10);
 * Thread.ofVirtual().start(Context.current().wrap(() -> {
 *   try (words) {                       // Go's defer close(words)
 *     for (String w : List.of("a", "b")) words.send(w);
 *   } catch (InterruptedException e) {
 *     Thread.currentThread().interrupt();
 *   }
 * }));
 * for (String w : words) System.out.println(w); // Go's for range: ends when closed and drained
 * }
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li>A rendezvous channel ({@code cap() == 0}) hands each value from a sender to a receiver
 *       directly: {@code send} returns once a receiver has it. A buffered channel holds up to
 *       {@code cap()} values; {@code send} blocks only while it is full.
 *   <li>Values are received in the order they were sent (FIFO), and blocked senders and receivers
 *       are served in the order they arrived.
 *   <li>{@code close} stops sends; receivers drain the buffered values, then see the channel
 *       closed. Senders blocked at the time of {@code close} fail with {@link
 *       ChannelClosedException}, as does a second {@code close} (Go panics in both cases).
 *   <li>Blocking calls honour the context's cancellation ({@link Context#current()} unless one is
 *       passed) by throwing {@link dev.shuttle.context.ContextDoneException}, and thread
 *       interruption by throwing {@link InterruptedException}; both are also checked on entry. An
 *       operation that completed before it noticed an interrupt returns normally with the interrupt
 *       flag set: a value is never both delivered and reported as not sent.
 *   <li>Each value carries the context passed to (or current at) {@code send}; {@link
 *       #receiveMessage()} returns it with the value. Capturing it is one reference store, with no
 *       allocation; a channel built with {@code messageContext(false)} stores nothing.
 *   <li>{@code null} values are rejected.
 * </ul>
 *
 * <h2>Views</h2>
 *
 * A channel is both its {@linkplain ReceiveChannel receiving} and its {@linkplain SendChannel
 * sending} side, where each method is documented. Hand a consumer {@link #receiveOnly()} and a
 * producer {@link #sendOnly()} (Go's {@code <-chan T} and {@code chan<- T}); Shuttle's functions
 * that return a channel for reading return a receive-only view. A receiver may {@linkplain
 * ReceiveChannel#cancel() cancel}: close the channel to tell its producer it has stopped.
 *
 * <p>Memory consistency effects: actions in a thread before it sends a value happen-before the
 * actions that follow the receipt of that value in another thread (as for {@link
 * java.util.concurrent.BlockingQueue}); actions before {@link #close()} happen-before a receive
 * that reports the channel closed. A select case that is chosen has the effects of its operation.
 *
 * <h2>Implementation note</h2>
 *
 * <p>Every channel has one {@link ReentrantLock} (never {@code synchronized}: a virtual thread that
 * parks here does not pin its carrier) and two FIFO queues of {@link Node}s under it: blocked
 * senders (each with its value) and blocked receivers. A rendezvous channel's operations and every
 * {@code select} try the lock a few times before a thread parks on it (see {@link
 * #lockForOperation}, {@link #lockForSelect}).
 *
 * <p>A buffered channel keeps its values, with their contexts, in a {@link Ring} that a send or
 * receive uses without the lock while nobody waits: the common case of a channel that is neither
 * empty nor full costs one CAS, and its producers and consumers do not meet on one lock. Whoever
 * has to wait takes the lock, queues, and sets the ring's flag for its side, which sends every
 * later operation on that side (and every send, while receivers wait) to the lock; the lock holder
 * then serves the waiters from the ring in order ({@link #settleLocked}).
 *
 * <p>Invariants, whenever the lock is free and no lock-free operation is under way: (1) if the
 * buffer is not empty, no receiver waits; (2) if the buffer is not full, no sender waits (for a
 * rendezvous channel, senders and receivers never wait at once, except nodes of one {@code select}
 * that cannot match itself); (3) once closed, no sender waits and no receiver waits; closed never
 * reverts. A lock-free receive that frees a slot, or a lock-free send that fills one, breaks (1) or
 * (2) for a moment and then sees the other side's flag and restores them under the lock.
 *
 * <p>Linearisation points: a lock-free send or receive at its CAS on the ring ({@link Ring});
 * otherwise a send or receive that completes without blocking, {@code close}, and {@code
 * trySend}/{@code tryReceive} at their critical section. A blocked operation linearises at the CAS
 * that claims its {@link Waiter}, performed by the counterpart while it holds this channel's lock:
 * a sender delivering into a receiver's node, a receiver taking a sender's value (or the lock
 * holder moving a ring value to a waiting receiver, or a waiting sender's value into a free slot),
 * or {@code close} completing every waiter with the closed marker. {@code len} reads the ring
 * lock-free while nobody waits and under the lock otherwise.
 *
 * <p>Parking: a blocked operation queues a node under the lock, releases it, registers a callback
 * on its context's {@linkplain Cancellation#onDone done signal}, and parks with {@link
 * java.util.concurrent.locks.LockSupport#park}. A claimer writes the node, CASes the waiter and
 * unparks its thread. Cancellation and interrupts race for the same CAS: whoever loses sees the
 * other's outcome, and a cancelled operation removes its node under the lock before it throws.
 * {@link Select} tries its cases in random order one channel at a time, then, if none was ready,
 * locks all its channels in the order of their ids (so two selects cannot deadlock), tries them
 * again, and otherwise queues one node per case, all sharing one waiter.
 *
 * @param <T> the type of the values; never {@code null}
 */
@SuppressWarnings("ReferenceEquality") // NONE and CLOSED are sentinels, compared by identity
public final class Channel<T> implements ReceiveChannel<T>, SendChannel<T> {
  private static final AtomicLong IDS = new AtomicLong();

  /** Returned by the locked operations when nothing was ready. */
  static final Object NONE = new Object();

  /** Returned by a receive, or written into a node, when the channel is closed. */
  static final Object CLOSED = new Object();

  /** Lock order for {@link Select}: channels are locked in ascending id. */
  final long id = IDS.incrementAndGet();

  final ReentrantLock lock = new ReentrantLock();

  private final int capacity;
  private final @Nullable String name;
  private final boolean carriesContext;

  /** The most rounds a blocked operation spins before parking (see {@link Waiter#SPINS}). */
  private final int spins;

  /**
   * The rounds the next blocked operation spins: {@link #spins} while spinning meets counterparts,
   * halved each time it does not, down to 0 (see {@link #spinRoundsLocked}). A racy heuristic,
   * deliberately a plain field: a lost update only delays the adaptation by one wait.
   */
  private int spinLimit;

  /** Counts the waits that did not spin, to try spinning again now and then. */
  private int waitsWithoutSpin;

  /** A buffered channel's values, used without the lock while nobody waits; null if rendezvous. */
  private final @Nullable Ring ring;

  /**
   * Whether {@link #ring}'s waiting flags are up: whenever a queue holds anyone, lowered lazily.
   */
  @GuardedBy("lock")
  private boolean receiversFlag;

  @GuardedBy("lock")
  private boolean sendersFlag;

  /** Whether a {@code select} holding the lock has set both flags to stop lock-free operations. */
  @GuardedBy("lock")
  private boolean frozen;

  @GuardedBy("lock")
  private final NodeQueue senders = new NodeQueue();

  @GuardedBy("lock")
  private final NodeQueue receivers = new NodeQueue();

  /**
   * A waiter that the current critical section claimed; woken once the lock is released ({@link
   * #takeClaimed}).
   */
  @GuardedBy("lock")
  private @Nullable Waiter claimed;

  /** The context of the value that the last locked receive returned; read before unlocking. */
  @GuardedBy("lock")
  private @Nullable Context polledContext;

  // Written under lock (closeError first); volatile so isClosed() and woken waiters read it freely.
  private volatile boolean closed;
  private volatile @Nullable Throwable closeError;

  Channel(int capacity, @Nullable String name, boolean carriesContext) {
    this.capacity = Checks.capacity(capacity);
    this.name = name;
    this.carriesContext = carriesContext;
    this.spins = capacity == 0 ? Waiter.SPINS : 0;
    this.spinLimit = spins;
    this.ring = capacity == 0 ? null : new Ring(capacity, carriesContext);
  }

  /**
   * {@return a new unbuffered channel: each send waits for a receiver (Go's {@code make(chan T)})}
   *
   * @param <T> the channel's element type
   */
  public static <T> Channel<T> rendezvous() {
    return new Channel<>(0, null, true);
  }

  /**
   * {@return a new channel that buffers up to {@code capacity} values (Go's {@code make(chan T,
   * n)})} A capacity of 0 makes a rendezvous channel.
   *
   * @param capacity how many values the channel holds without a receiver, from 0 to 2<sup>30</sup>
   * @param <T> the channel's element type
   * @throws IllegalArgumentException if {@code capacity} is negative or above 2<sup>30</sup>
   */
  public static <T> Channel<T> buffered(int capacity) {
    return new Channel<>(capacity, null, true);
  }

  /** {@return a builder for a channel with a name or without per-message context} */
  public static ChannelBuilder builder() {
    return new ChannelBuilder();
  }

  // ---------------------------------------------------------------- send

  @Override
  public void send(T value) throws InterruptedException {
    send(Context.current(), value);
  }

  @Override
  public void send(Context context, T value) throws InterruptedException {
    Objects.requireNonNull(context, "context");
    if (!sendInternal(context, Objects.requireNonNull(value, "value"), context)) {
      throw new ChannelClosedException("send on closed channel", closeError);
    }
  }

  @Override
  public void sendMessage(Context context, Message<? extends T> message)
      throws InterruptedException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(message, "message");
    if (!sendInternal(context, message.value(), message.context())) {
      throw new ChannelClosedException("send on closed channel", closeError);
    }
  }

  @Override
  public SendResult sendOrClosed(T value) throws InterruptedException {
    return sendOrClosed(Context.current(), value);
  }

  @Override
  public SendResult sendOrClosed(Context context, T value) throws InterruptedException {
    Objects.requireNonNull(context, "context");
    return sendInternal(context, Objects.requireNonNull(value, "value"), context)
        ? SendStatus.SENT
        : new Closed<T>(closeError);
  }

  @Override
  public boolean trySend(T value) {
    return switch (trySendOrClosed(value)) {
      case SendStatus status -> status == SendStatus.SENT;
      case Closed<?> closedResult -> throw closedResult.toSendException();
    };
  }

  @Override
  public SendResult trySendOrClosed(T value) {
    Objects.requireNonNull(value, "value");
    Context messageContext = carried(Context.current());
    Ring ring = this.ring;
    if (ring != null) {
      long t = ring.reserve(false);
      if (t >= 0) {
        if (ring.publish(t, value, messageContext)) {
          settle(ring);
        }
        return SendStatus.SENT;
      }
      if (t == Ring.FULL) {
        return SendStatus.FULL;
      }
      if (t == Ring.CLOSED) {
        return new Closed<T>(closeError);
      }
    }
    lockForOperation();
    try {
      if (closed) {
        return new Closed<T>(closeError);
      }
      return offerLocked(value, messageContext) ? SendStatus.SENT : SendStatus.FULL;
    } finally {
      Waiter toWake = takeClaimed();
      lock.unlock();
      wake(toWake);
    }
  }

  private boolean sendInternal(Context context, Object value, Context messageContext)
      throws InterruptedException {
    Cancellation cancellation = Contexts.cancellation(context);
    cancellation.throwIfDone();
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Context carried = carried(messageContext);
    Ring ring = this.ring;
    if (ring != null) {
      long t = ring.reserve(false);
      if (t >= 0) {
        if (ring.publish(t, value, carried)) {
          settle(ring);
        }
        return true;
      }
    }
    Node node;
    int spinRounds;
    lockForOperation();
    try {
      if (closed) {
        return false;
      }
      if (offerLocked(value, carried)) {
        return true;
      }
      node = new Node(new Waiter(), 0, true, value, carried);
      spinRounds = enqueueLocked(node);
    } finally {
      Waiter toWake = takeClaimed();
      lock.unlock();
      wake(toWake);
    }
    awaitSingle(node, cancellation, spinRounds);
    return node.item != CLOSED;
  }

  // ------------------------------------------------------------- receive

  @Override
  public T receive() throws InterruptedException {
    return receive(Context.current());
  }

  @Override
  public T receive(Context context) throws InterruptedException {
    Object item = receiveInternal(context, null);
    if (item == CLOSED) {
      throw new ChannelClosedException("receive from closed channel", closeError);
    }
    return cast(item);
  }

  @Override
  public Message<T> receiveMessage() throws InterruptedException {
    return receiveMessage(Context.current());
  }

  @Override
  public Message<T> receiveMessage(Context context) throws InterruptedException {
    return switch (receiveOrClosed(context)) {
      case Message<T> message -> message;
      case Closed<T> closedResult -> throw closedResult.toException();
    };
  }

  @Override
  public Received<T> receiveOrClosed() throws InterruptedException {
    return receiveOrClosed(Context.current());
  }

  @Override
  public Received<T> receiveOrClosed(Context context) throws InterruptedException {
    @Nullable Context[] carried = new Context[1];
    Object item = receiveInternal(context, carried);
    return received(item, carried[0]);
  }

  @Override
  public @Nullable Received<T> tryReceive() {
    Ring ring = this.ring;
    if (ring != null) {
      long h = ring.claim(false);
      if (h >= 0) {
        Context carried = ring.context(h);
        return received(takeClaimedSlot(ring, h), carried);
      }
      if (h == Ring.EMPTY) {
        return null;
      }
      if (h == Ring.CLOSED) {
        return new Closed<>(closeError);
      }
    }
    Object item;
    Context carried;
    lockForOperation();
    try {
      item = receiveLocked();
      carried = takePolledContext();
    } finally {
      Waiter toWake = takeClaimed();
      lock.unlock();
      wake(toWake);
    }
    return item == NONE ? null : received(item, carried);
  }

  private Object receiveInternal(Context context, @Nullable Context @Nullable [] carriedOut)
      throws InterruptedException {
    Objects.requireNonNull(context, "context");
    Cancellation cancellation = Contexts.cancellation(context);
    cancellation.throwIfDone();
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Ring ring = this.ring;
    if (ring != null) {
      long h = ring.claim(false);
      if (h >= 0) {
        if (carriedOut != null) {
          carriedOut[0] = ring.context(h);
        }
        return takeClaimedSlot(ring, h);
      }
      if (h == Ring.CLOSED) {
        return CLOSED;
      }
    }
    Node node;
    int spinRounds;
    lockForOperation();
    try {
      Object item = receiveLocked();
      Context carried = takePolledContext();
      if (item != NONE) {
        if (carriedOut != null) {
          carriedOut[0] = carried;
        }
        return item;
      }
      node = new Node(new Waiter(), 0, false, null, null);
      spinRounds = enqueueLocked(node);
    } finally {
      Waiter toWake = takeClaimed();
      lock.unlock();
      wake(toWake);
    }
    awaitSingle(node, cancellation, spinRounds);
    if (carriedOut != null) {
      carriedOut[0] = node.context;
    }
    return Objects.requireNonNull(node.item, "a claimed receiver always has an item");
  }

  private Received<T> received(Object item, @Nullable Context carried) {
    if (item == CLOSED) {
      return new Closed<>(closeError);
    }
    return new Message<>(cast(item), carried == null ? Context.root() : carried);
  }

  /** Parks until {@code node}'s waiter is claimed; on cancellation removes the node and throws. */
  private void awaitSingle(Node node, Cancellation cancellation, int spinRounds)
      throws InterruptedException {
    if (spinRounds > 0) {
      spun(node.waiter.spin(spinRounds));
    }
    int state;
    LiveGoroutine blocked =
        node.waiter.state() == Waiter.WAITING
            ? GoroutineRegistry.block(this, node.sender ? BlockSites.SEND : BlockSites.RECEIVE)
            : null;
    try {
      state = node.waiter.await(cancellation);
    } catch (InterruptedException e) {
      unlink(node);
      throw e;
    } finally {
      GoroutineRegistry.unblock(blocked);
    }
    if (state == Waiter.CANCELLED) {
      unlink(node);
      cancellation.throwIfDone();
      throw new IllegalStateException("waiter cancelled while its context is not done");
    }
  }

  // --------------------------------------------------------------- close

  @Override
  public void close() {
    closeInternal(null, true);
  }

  @Override
  public void close(Throwable error) {
    closeInternal(Objects.requireNonNull(error, "error"), true);
  }

  /** Closes the channel if it is open; a receiver's close, which a closed channel ignores. */
  @Override
  public boolean cancel() {
    return closeInternal(null, false);
  }

  /**
   * {@return this channel's receiving side as a view that cannot be cast back to a {@code Channel}
   * (Go's {@code <-chan T}): for handing to a consumer}
   */
  public ReceiveChannel<T> receiveOnly() {
    return new ReceiveOnly<>(this);
  }

  /**
   * {@return this channel's sending side as a view that cannot be cast back to a {@code Channel}
   * (Go's {@code chan<- T}): for handing to a producer}
   */
  public SendChannel<T> sendOnly() {
    return new SendOnly<>(this);
  }

  /** Closes the channel; if it was closed already, throws if {@code strict}, else returns false. */
  private boolean closeInternal(@Nullable Throwable error, boolean strict) {
    lock.lock();
    try {
      if (closed) {
        if (!strict) {
          return false;
        }
        throw new ChannelClosedException("close of closed channel", closeError);
      }
      closeError = error;
      Ring ring = this.ring;
      if (ring != null) {
        // Serve the waiters first (a lock-free receive may have left room for a waiting sender),
        // then stop every send: a receiver still waiting then waits on an empty ring for good.
        settleLocked(ring);
        ring.close();
      }
      closed = true;
      for (Node r = receivers.poll(); r != null; r = receivers.poll()) {
        r.item = CLOSED;
        r.context = null;
        r.waiter.claimAndWake(r.caseIndex);
      }
      for (Node s = senders.poll(); s != null; s = senders.poll()) {
        s.item = CLOSED;
        s.context = null;
        s.waiter.claimAndWake(s.caseIndex);
      }
      if (ring != null) {
        lowerIdleFlagsLocked(ring, true, true);
      }
      return true;
    } finally {
      Waiter toWake = takeClaimed(); // a waiter that settleLocked served
      lock.unlock();
      wake(toWake);
    }
  }

  @Override
  public boolean isClosed() {
    Ring ring = this.ring;
    return ring != null ? ring.isClosed() : closed; // the ring's bit is set first
  }

  @Override
  public boolean isDrained() {
    Ring ring = this.ring;
    return ring != null ? ring.isClosedAndEmpty() : closed;
  }

  // ----------------------------------------------------------- inspection

  @Override
  public int len() {
    Ring ring = this.ring;
    if (ring == null) {
      return 0;
    }
    if (!ring.anyoneWaits()) {
      return ring.size();
    }
    lock.lock(); // a lock holder may have claimed a waiter and not yet moved its value
    try {
      return ring.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int cap() {
    return capacity;
  }

  @Override
  public int waitingSenders() {
    lock.lock();
    try {
      return senders.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int waitingReceivers() {
    lock.lock();
    try {
      return receivers.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public @Nullable String name() {
    return name;
  }

  @Override
  public boolean carriesContext() {
    return carriesContext;
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return "Channel{"
          + (name == null ? "" : "name=" + name + ", ")
          + "len="
          + len()
          + ", cap="
          + capacity
          + ", waitingSenders="
          + senders.size()
          + ", waitingReceivers="
          + receivers.size()
          + (closed ? ", closed" : "")
          + "}";
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------ iteration

  @Override
  public Iterator<T> iterator() {
    Iterator<Message<T>> messages = messages().iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return messages.hasNext();
      }

      @Override
      public T next() {
        return messages.next().value();
      }
    };
  }

  @Override
  public Stream<T> stream() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  @Override
  public Iterable<Message<T>> messages() {
    return MessageIterator::new;
  }

  private final class MessageIterator implements Iterator<Message<T>> {
    private final Context context = Context.current();
    private @Nullable Message<T> next;
    private boolean done;

    @Override
    public boolean hasNext() {
      if (next != null) {
        return true;
      }
      if (done) {
        return false;
      }
      Received<T> received;
      try {
        received = receiveOrClosed(context);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        CancellationException cancelled =
            new CancellationException("interrupted while iterating over a channel");
        cancelled.initCause(e);
        throw cancelled;
      }
      switch (received) {
        case Message<T> message -> next = message;
        case Closed<T>(Throwable error) -> {
          done = true;
          if (error != null) {
            throw new ChannelClosedException("receive from closed channel", error);
          }
        }
      }
      return next != null;
    }

    @Override
    public Message<T> next() {
      if (!hasNext()) {
        throw new NoSuchElementException("channel closed");
      }
      Message<T> result = Objects.requireNonNull(next);
      next = null;
      return result;
    }
  }

  // --------------------------------------------------------- select cases

  @Override
  public <R> SelectCase<R> onReceive(Function<? super T, ? extends R> then) {
    Objects.requireNonNull(then, "then");
    return SelectCase.receive(
        this,
        received ->
            switch (this.<T>castReceived(received)) {
              case Message<T> message -> then.apply(message.value());
              case Closed<T> closedResult -> throw closedResult.toException();
            });
  }

  @Override
  public <R> SelectCase<R> onReceiveMessage(Function<? super Message<T>, ? extends R> then) {
    Objects.requireNonNull(then, "then");
    return SelectCase.receive(
        this,
        received ->
            switch (this.<T>castReceived(received)) {
              case Message<T> message -> then.apply(message);
              case Closed<T> closedResult -> throw closedResult.toException();
            });
  }

  @Override
  public <R> SelectCase<R> onReceiveOrClosed(Function<? super Received<T>, ? extends R> then) {
    Objects.requireNonNull(then, "then");
    return SelectCase.receive(this, received -> then.apply(this.<T>castReceived(received)));
  }

  @Override
  public <R> SelectCase<R> onSend(T value, Supplier<? extends R> then) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(then, "then");
    return SelectCase.send(
        this,
        value,
        carried(Context.current()),
        result ->
            switch (result) {
              case SendStatus sent -> then.get();
              case Closed<?> closedResult -> throw closedResult.toSendException();
            });
  }

  @Override
  public <R> SelectCase<R> onSendOrClosed(T value, Function<? super SendResult, ? extends R> then) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(then, "then");
    return SelectCase.send(this, value, carried(Context.current()), then);
  }

  @SuppressWarnings("unchecked")
  private <U> Received<U> castReceived(Received<?> received) {
    return (Received<U>) received;
  }

  // ------------------------------------------- locked operations (also used by Select)

  /**
   * Hands {@code item} to a blocked receiver or buffers it. Requires the lock and an open channel.
   *
   * @return {@code false} if it needs to wait
   */
  @GuardedBy("lock")
  boolean offerLocked(Object item, @Nullable Context carried) {
    Ring ring = this.ring;
    if (ring != null) {
      boolean receiversWaited = !receivers.isEmpty();
      settleLocked(ring); // now receivers wait only on an empty ring, senders only on a full one
      if (!senders.isEmpty()) {
        return false; // queue behind them
      }
      if (!handOffLocked(item, carried)) {
        long t = ring.reserve(true);
        if (t < 0) {
          return false; // full
        }
        ring.publish(t, item, carried);
      }
      // A receiver that was just served will likely wait again: keep its side's flag up for it.
      lowerIdleFlagsLocked(ring, !receiversWaited, true);
      return true;
    }
    return handOffLocked(item, carried);
  }

  /** Hands {@code item} to the first waiting receiver, if one is still waiting. */
  @GuardedBy("lock")
  private boolean handOffLocked(Object item, @Nullable Context carried) {
    for (Node r = receivers.poll(); r != null; r = receivers.poll()) {
      r.item = item;
      r.context = carried;
      if (r.waiter.tryClaim(r.caseIndex)) {
        wakeOnUnlock(r.waiter);
        return true;
      }
    }
    return false;
  }

  /**
   * Takes the next value (its context goes to {@link #takePolledContext}); requires the lock.
   *
   * @return the value, {@link #CLOSED} if closed and drained, or {@link #NONE} if it must wait
   */
  @GuardedBy("lock")
  Object receiveLocked() {
    Ring ring = this.ring;
    if (ring != null) {
      boolean sendersWaited = !senders.isEmpty();
      settleLocked(ring); // a waiting sender's value first, if a lock-free receive made room
      long h = ring.claim(true);
      if (h < 0) {
        return h == Ring.CLOSED ? CLOSED : NONE;
      }
      Object item = Objects.requireNonNull(ring.item(h));
      Context carried = ring.context(h);
      if (carried != null) {
        polledContext = carried;
      }
      if (ring.release(h)) {
        settleLocked(ring); // the freed slot goes to the first waiting sender
      }
      lowerIdleFlagsLocked(ring, true, !sendersWaited); // as in offerLocked
      return item;
    }
    for (Node s = senders.poll(); s != null; s = senders.poll()) {
      Object sent = Objects.requireNonNull(s.item);
      Context sentContext = s.context;
      if (s.waiter.tryClaim(s.caseIndex)) {
        wakeOnUnlock(s.waiter);
        if (sentContext != null) {
          polledContext = sentContext;
        }
        return sent;
      }
    }
    return closed ? CLOSED : NONE;
  }

  /**
   * Serves a buffered channel's waiters from its ring until none can be served: waiting receivers
   * take the ring's oldest values, waiting senders fill its free slots, each in the order they
   * queued. Lock-free operations cannot do it, so they hand it to the lock (see {@link Ring}). The
   * flags are left as they are: {@link #lowerIdleFlagsLocked} lowers them lazily.
   */
  @GuardedBy("lock")
  private void settleLocked(Ring ring) {
    boolean moved;
    do {
      moved = false;
      while (!receivers.isEmpty()) {
        long h = ring.peekLocked();
        if (h < 0) {
          break;
        }
        Node r = Objects.requireNonNull(receivers.poll());
        r.item = ring.item(h); // written before the claim, which publishes it to the waiter
        r.context = ring.context(h);
        if (r.waiter.tryClaim(r.caseIndex)) { // then take it: only the lock holder moves head now
          ring.advanceHead();
          ring.release(h);
          wakeOnUnlock(r.waiter);
          moved = true;
        }
      }
      while (!senders.isEmpty()) {
        long t = ring.freeLocked();
        if (t < 0) {
          break;
        }
        Node s = Objects.requireNonNull(senders.poll());
        if (s.waiter.tryClaim(s.caseIndex)) { // then fill: only the lock holder moves tail now
          ring.fill(t, Objects.requireNonNull(s.item), s.context);
          wakeOnUnlock(s.waiter);
          moved = true;
        }
      }
    } while (moved);
  }

  /**
   * Raises the ring's flag for each side whose queue holds anyone (both while frozen). A flag must
   * be up whenever its side waits; it may stay up after, which only sends lock-free operations to
   * the lock until {@link #lowerIdleFlagsLocked} lowers it.
   */
  @GuardedBy("lock")
  private void raiseFlagsLocked(Ring ring) {
    if (!receiversFlag && (frozen || !receivers.isEmpty())) {
      receiversFlag = true;
      ring.receiversWait(true);
    }
    if (!sendersFlag && (frozen || !senders.isEmpty())) {
      sendersFlag = true;
      ring.sendersWait(true);
    }
  }

  /**
   * Lowers the chosen sides' flags where nobody waits. Lowered lazily, by an operation that
   * completes: a flag that goes up and down for every message (a chain of stages that each wait for
   * the next value) would cost two atomic updates per message.
   */
  @GuardedBy("lock")
  private void lowerIdleFlagsLocked(Ring ring, boolean receiversSide, boolean sendersSide) {
    if (frozen) {
      return;
    }
    if (receiversSide && receiversFlag && receivers.isEmpty()) {
      receiversFlag = false;
      ring.receiversWait(false);
    }
    if (sendersSide && sendersFlag && senders.isEmpty()) {
      sendersFlag = false;
      ring.sendersWait(false);
    }
  }

  /**
   * Sends every lock-free operation to the lock until {@link #thawLocked}: a {@code select} with a
   * default case holds all its channels' locks to see that none is ready at one instant, which
   * lock-free operations would otherwise change under it.
   */
  @GuardedBy("lock")
  void freezeLocked() {
    Ring ring = this.ring;
    if (ring != null) {
      frozen = true;
      raiseFlagsLocked(ring);
    }
  }

  @GuardedBy("lock")
  void thawLocked() {
    Ring ring = this.ring;
    if (ring != null && frozen) {
      frozen = false;
      lowerIdleFlagsLocked(ring, true, true);
    }
  }

  /** A buffered channel's ring, for {@code select}'s lock-free first pass; null if rendezvous. */
  @Nullable Ring ring() {
    return ring;
  }

  /**
   * Reads and frees a slot that a lock-free receive claimed (read its context first), then serves
   * waiting senders if the ring says some wait.
   */
  Object takeClaimedSlot(Ring ring, long h) {
    Object item = Objects.requireNonNull(ring.item(h));
    if (ring.release(h)) {
      settle(ring);
    }
    return item;
  }

  /** Takes the lock to serve waiters that a lock-free operation found by their flag. */
  void settle(Ring ring) {
    lock.lock();
    try {
      settleLocked(ring);
      lowerIdleFlagsLocked(ring, true, true);
    } finally {
      Waiter toWake = takeClaimed();
      lock.unlock();
      wake(toWake);
    }
  }

  /**
   * Takes the lock for a send, receive or unlink: through {@link SpinLocks} on a rendezvous
   * channel, whose hand-offs stall while a thread parks on the lock (producer/consumer went from
   * bimodal, about 320 or 1,000 ns per fork, to 246-297 ns); plainly on a buffered one, where a
   * side that parks on the lock lets the other run a batch uncontended (spinning made
   * producer/consumer slower: 150-163 against 205-212 ns per message at capacities 16 and 100).
   */
  void lockForOperation() {
    if (spins > 0) {
      SpinLocks.lock(lock);
    } else {
      lock.lock();
    }
  }

  /**
   * Takes the lock for a {@code select}, always through {@link SpinLocks}: a select holds its
   * channels' locks together, and producers parked on them cost it an unpark per message (select
   * over two buffered-16 channels: 591-786 ns per message when they parked, 193-258 when they
   * spun).
   */
  void lockForSelect() {
    SpinLocks.lock(lock);
  }

  /** Wakes {@code waiter}, which this critical section claimed, once the lock is released. */
  @GuardedBy("lock")
  private void wakeOnUnlock(Waiter waiter) {
    Waiter earlier = claimed;
    claimed = waiter;
    if (earlier != null) { // one claim per critical section today; never lose a wake-up anyway
      earlier.wake();
    }
  }

  /**
   * Returns and clears the waiter this critical section claimed. Callers release the lock, then
   * {@linkplain #wake wake} it: the woken thread does not run into a lock its waker still holds,
   * and the unpark (a task submitted to the carrier pool, for a virtual thread) is off the critical
   * path.
   */
  // Called in finally blocks just before lock.unlock(), where Error Prone does not see the lock
  // as held: the assertion checks instead (tests run with -ea).
  @SuppressWarnings("GuardedBy")
  @Nullable Waiter takeClaimed() {
    assert lock.isHeldByCurrentThread();
    Waiter toWake = claimed;
    claimed = null;
    return toWake;
  }

  static void wake(@Nullable Waiter toWake) {
    if (toWake != null) {
      toWake.wake();
    }
  }

  /** Returns and clears the context of the value last taken by {@link #receiveLocked}. */
  @GuardedBy("lock")
  @Nullable Context takePolledContext() {
    Context carried = polledContext;
    if (carried != null) {
      polledContext = null;
    }
    return carried;
  }

  @GuardedBy("lock")
  boolean closedLocked() {
    return closed;
  }

  @Nullable Throwable closeError() {
    return closeError;
  }

  /**
   * Queues a blocked case; requires the lock.
   *
   * @return how many rounds its waiter should spin before parking (see {@link #spinRoundsLocked})
   */
  @GuardedBy("lock")
  int enqueueLocked(Node node) {
    NodeQueue queue = node.sender ? senders : receivers;
    int spinRounds = spinRoundsLocked(queue);
    queue.add(node);
    Ring ring = this.ring;
    if (ring != null) {
      // The flag first, then a last look at the ring: a lock-free operation that changed the ring
      // before it could see the flag is met here. It may complete this very node; its waiter then
      // finds itself claimed and does not park.
      raiseFlagsLocked(ring);
      settleLocked(ring);
    }
    return spinRounds;
  }

  /**
   * How long a waiter about to join {@code queue} spins. Only the first in line spins, as in {@link
   * java.util.concurrent.LinkedTransferQueue}: whoever queues behind another waiter will not be met
   * within a spin, and a crowd of spinners (a million goroutines blocking on one channel) would
   * only burn the carriers their counterparts need. And only while spinning pays: when sender and
   * receiver share a carrier, the counterpart cannot run until the spinner parks, so every round is
   * lost (a rendezvous hand-off took 3.7 µs with spinning on one carrier, against 230 ns for a
   * {@code SynchronousQueue}, which sees the carrier's queue and does not spin). Failed spins halve
   * the rounds down to none; then one wait in 256 tries the full spin again.
   */
  @GuardedBy("lock")
  private int spinRoundsLocked(NodeQueue queue) {
    if (spins == 0 || !queue.isEmpty()) {
      return 0;
    }
    int limit = spinLimit;
    if (limit > 0) {
      return limit;
    }
    return (++waitsWithoutSpin & 0xff) == 0 ? spins : 0;
  }

  /** Adapts {@link #spinLimit} to whether the last spin met its counterpart; no lock needed. */
  void spun(boolean met) {
    if (spins > 0) { // a buffered channel never spins: nothing to adapt, no shared write
      spinLimit = met ? spins : spinLimit >> 1;
    }
  }

  /** Removes a node of a waiter that gave up or completed elsewhere, if it is still queued. */
  void unlink(Node node) {
    lockForOperation();
    try {
      (node.sender ? senders : receivers).remove(node); // a flag left up is lowered lazily
    } finally {
      lock.unlock();
    }
  }

  /** What a value stores for {@code context}: nothing if contexts are off or it is the root. */
  private @Nullable Context carried(Context context) {
    return carriesContext && context != Context.root() ? context : null;
  }

  Context carriedContext(@Nullable Context carried) {
    return carried == null ? Context.root() : carried;
  }

  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
  private static <T> T cast(Object item) {
    return (T) item;
  }
}
