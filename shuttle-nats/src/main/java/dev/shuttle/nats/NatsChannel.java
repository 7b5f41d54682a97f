package dev.shuttle.nats;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.shuttle.Spans;
import dev.shuttle.channel.Channel;
import dev.shuttle.channel.ChannelClosedException;
import dev.shuttle.channel.Closed;
import dev.shuttle.channel.Message;
import dev.shuttle.channel.ReceiveChannel;
import dev.shuttle.channel.Received;
import dev.shuttle.channel.SelectCase;
import dev.shuttle.channel.SendResult;
import dev.shuttle.channel.SendStatus;
import dev.shuttle.channel.SpanRelation;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A buffered channel that spans processes: a JetStream work-queue stream used with {@link
 * Channel}'s vocabulary. Any process that opens the channel by name may send, receive, iterate and
 * close; each value is received once, by one receiver in one process, and carries its sender's
 * trace, baggage and deadline.
 *
 * {@snippet :
 * try (Connection nats = Nats.connect("nats://127.0.0.1:4222")) {
 *   NatsChannel<Order> orders = NatsChannel.builder(nats, "orders", Codec.json(Order.class))
 *       .capacity(1_000)
 *       .build();
 *   orders.send(new Order("o-1", 3));            // producer process
 *   for (Order order : orders) { ship(order); }  // consumer processes, until closed and drained
 *   orders.detach();                             // this process is done with it
 * }
 * }
 *
 * <p><b>As a buffered channel.</b> The stream holds at most {@link #cap()} values; {@link #send}
 * waits while it is full, until the context is done, as Go's send on a full buffered channel does.
 * {@link #close()} closes the channel for every process: later sends fail with {@link
 * ChannelClosedException}, receivers first drain what the stream holds and then see it closed.
 * Unlike Go, a send racing a close made in another process may still be accepted in the moment
 * before this process learns of the close; such a value is delivered like any other, provided a
 * receiver is still receiving.
 *
 * <p><b>Delivery.</b> Enqueue is exactly once: each send publishes with a {@code Nats-Msg-Id}
 * (generated, or the caller's in {@link #send(Context, Object, String)}), retries under the same
 * id, and JetStream stores a message once per id within its duplicate window (two minutes by
 * default). Receipt is at least once: a value is acknowledged when a receiver takes it; if the
 * receiving process dies between taking it and the acknowledgement reaching the server, JetStream
 * delivers it again after the ack wait.
 *
 * <p><b>Telemetry.</b> A send runs in a {@code send shuttle.chan.<name>} producer span whose
 * context travels in the headers ({@link NatsHeaders}). Each delivery makes a {@code receive
 * shuttle.chan.<name>} span, linked to the send span, or its child with {@link SpanRelation#PARENT}
 * ({@link NatsChannelBuilder#spanRelation}). A received {@link Message}'s context is the sender's:
 * process it with {@link Message#process} for a span of your own.
 *
 * <p>Thread-safe: any number of threads may send and receive at once. Memory consistency effects:
 * actions in a thread prior to sending a value happen-before actions subsequent to its receipt in
 * the same process; across processes, the value is all that travels.
 *
 * @param <T> the type of the values; never {@code null}
 */
public final class NatsChannel<T> implements Iterable<T> {
  /*
   * Implementation note. The channel's state is on the server: the stream holds the values and the
   * key-value flag says whether it is closed. This object holds only this process's view: `closed`
   * (volatile; set by close() here or by the key-value watch's dispatcher thread, never unset), the
   * fetcher (created once, under `lock`, by the first receive; read without the lock) and
   * `detached` (under `lock`). Sends share nothing but the id counter. Values sent by one thread
   * are stored in its order (each send waits for its acknowledgement); receipt order follows the
   * stream's, except that a value returned to JetStream (nobody took it in time, a process died)
   * is delivered again later.
   */
  private final Connection connection;
  private final String name;
  private final String subject;
  private final String stream;
  private final int capacity;
  private final Duration ackWait;
  private final Codec<T> codec;
  private final SpanRelation spanRelation;
  private final Publisher publisher;
  private final KeyValue closedFlags;
  private final NatsKeyValueWatchSubscription closeWatch;
  private final String idPrefix =
      HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  private final AtomicLong sent = new AtomicLong();
  private final Channel<T> local;
  private final ReentrantLock lock = new ReentrantLock();

  private volatile boolean closed;

  /** Started by the first receive; written under {@link #lock}, read without it. */
  private volatile @Nullable ChannelFetcher<T> fetcher;

  @GuardedBy("lock")
  private boolean detached;

  NatsChannel(NatsChannelBuilder<T> builder) throws IOException, JetStreamApiException {
    this.connection = builder.connection;
    this.name = builder.name;
    this.subject = ChannelStreams.subject(name);
    this.stream = ChannelStreams.stream(name);
    this.capacity = builder.capacity;
    this.ackWait = builder.ackWait;
    this.codec = builder.codec;
    this.spanRelation = builder.spanRelation;
    this.publisher = new Publisher(connection.jetStream(), builder.ackTimeout);
    this.local = Channel.builder().name(subject).build();
    ChannelStreams.ensure(connection, name, capacity, builder.ackWait);
    this.closedFlags = ChannelStreams.closedFlags(connection);
    this.closed = isClosedFlag(closedFlags.get(name));
    try {
      this.closeWatch = closedFlags.watch(name, new CloseWatcher());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while watching channel " + name + " for its close", e);
    }
  }

  /**
   * Returns a builder for the channel {@code name} on {@code connection} whose values {@code codec}
   * encodes. {@link NatsChannelBuilder#build()} creates the stream, or opens it if another process
   * already did.
   *
   * @param <T> the type of the values
   * @param connection the NATS connection the channel uses; it stays the caller's to close
   * @param name 1 to 64 letters, digits, {@code -} or {@code _}; the stream is {@code
   *     shuttle-chan-<name>} and the subject {@code shuttle.chan.<name>}
   * @param codec turns values into message bodies and back
   * @return a new builder
   * @throws IllegalArgumentException if {@code name} is not such a name
   */
  public static <T> NatsChannelBuilder<T> builder(
      Connection connection, String name, Codec<T> codec) {
    return new NatsChannelBuilder<>(connection, name, codec);
  }

  /**
   * Deletes the channel {@code name} from the server: its stream, every value still in it, and its
   * closed flag, so that the name can be used for a new channel. Processes that still use it fail
   * their next operation.
   *
   * @param connection a connection to the server that holds the channel
   * @param name the channel's name, as given to {@link #builder}
   * @return {@code true} if a stream was deleted, {@code false} if there was none
   * @throws IllegalArgumentException if {@code name} is not a valid channel name
   * @throws UncheckedIOException if the server cannot be reached
   */
  public static boolean delete(Connection connection, String name) {
    Objects.requireNonNull(connection, "connection");
    return ChannelStreams.delete(connection, ChannelStreams.checkName(name));
  }

  /**
   * Sends {@code value} in the current context, waiting while the stream is full; see {@link
   * #send(Context, Object)}.
   *
   * @param value the value to send
   * @throws ChannelClosedException if the channel is closed
   * @throws dev.shuttle.context.ContextDoneException if the current context is done before the
   *     value is stored
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public void send(T value) throws InterruptedException {
    send(Context.current(), value);
  }

  /**
   * Sends {@code value} in {@code context}: the message carries its trace, baggage and deadline,
   * and its cancellation ends the wait while the stream is full. Returns once JetStream has stored
   * the value.
   *
   * @param context the context the value is sent in: its span is the parent of the send span, its
   *     baggage and deadline travel with the value, and its cancellation ends the wait
   * @param value the value to send
   * @throws ChannelClosedException if the channel is closed
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done before the value is
   *     stored
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws IllegalStateException if JetStream refuses the message for another reason than a full
   *     stream (a body over the server's size limit), with the server's description
   */
  public void send(Context context, T value) throws InterruptedException {
    send(context, value, idPrefix + "-" + sent.incrementAndGet());
  }

  /**
   * Sends {@code value} with the message id {@code messageId}: JetStream stores one value per id
   * within the stream's duplicate window (two minutes), so a producer that retries after a crash
   * with the same id (an order number, say) enqueues its value once. Otherwise as {@link
   * #send(Context, Object)}.
   *
   * @param context the context the value is sent in: its span is the parent of the send span, its
   *     baggage and deadline travel with the value, and its cancellation ends the wait
   * @param value the value to send
   * @param messageId the value's id, which JetStream deduplicates on
   * @throws IllegalArgumentException if {@code messageId} is blank or not printable ASCII
   * @throws ChannelClosedException if the channel is closed
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done before the value is
   *     stored
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public void send(Context context, T value, String messageId) throws InterruptedException {
    if (sendOrClosed(context, value, messageId) instanceof Closed<?> closedResult) {
      throw closedResult.toSendException();
    }
  }

  /**
   * Sends {@code value} as {@link #send(Context, Object)} does, but reports a closed channel by
   * returning {@link Closed} instead of throwing.
   *
   * @param context the context the value is sent in: its span is the parent of the send span, its
   *     baggage and deadline travel with the value, and its cancellation ends the wait
   * @param value the value to send
   * @return {@link SendStatus#SENT} once JetStream has stored the value, or {@link Closed} if the
   *     channel is closed
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done before the value is
   *     stored
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public SendResult sendOrClosed(Context context, T value) throws InterruptedException {
    return sendOrClosed(context, value, idPrefix + "-" + sent.incrementAndGet());
  }

  private SendResult sendOrClosed(Context context, T value, String messageId)
      throws InterruptedException {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(value, "value");
    if (messageId.isBlank() || !HeaderText.isPrintableAscii(messageId)) {
      throw new IllegalArgumentException(
          "a message id must be non-blank printable ASCII, but was \"" + messageId + "\"");
    }
    if (closed) {
      return new Closed<>(null);
    }
    byte[] body = codec.encode(value);
    Span span = NatsSpans.startSend(context, subject, messageId);
    try {
      Headers headers = NatsHeaders.write(context.with(span), new Headers());
      publisher.publish(context, subject, headers, body, messageId);
      return SendStatus.SENT;
    } catch (RuntimeException | InterruptedException failure) {
      Spans.recordFailure(span, failure);
      throw failure;
    } finally {
      span.end();
    }
  }

  /**
   * Receives a value in the current context; see {@link #receive(Context)}.
   *
   * @return the next value
   * @throws ChannelClosedException if the channel is closed and no value is left
   * @throws dev.shuttle.context.ContextDoneException if the current context is done first
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public T receive() throws InterruptedException {
    return receive(Context.current());
  }

  /**
   * Receives the next value, waiting until one arrives or the channel is closed and drained.
   *
   * @param context the context whose cancellation or deadline ends the wait
   * @return the next value
   * @throws ChannelClosedException if the channel is closed and no value is left
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done first
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public T receive(Context context) throws InterruptedException {
    return receiver().receive(context);
  }

  /**
   * Receives the next value with its sender's context (trace, baggage, deadline), as {@link
   * #receive(Context)} does.
   *
   * @param context the context whose cancellation or deadline ends the wait
   * @return the next value, with the context it was sent in
   * @throws ChannelClosedException if the channel is closed and no value is left
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done first
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public Message<T> receiveMessage(Context context) throws InterruptedException {
    return receiver().receiveMessage(context);
  }

  /**
   * Receives as {@link #receiveMessage(Context)} does, but reports a closed and drained channel by
   * returning {@link Closed} instead of throwing.
   *
   * @param context the context whose cancellation or deadline ends the wait
   * @return the next value with the context it was sent in, or {@link Closed} once the channel is
   *     closed and drained
   * @throws dev.shuttle.context.ContextDoneException if {@code context} is done first
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public Received<T> receiveOrClosed(Context context) throws InterruptedException {
    return receiver().receiveOrClosed(context);
  }

  /**
   * Returns the values until the channel is closed and drained, in the current context; as with
   * {@link Channel#iterator()}, an interrupt ends the iteration with the interrupt flag set.
   */
  @Override
  public Iterator<T> iterator() {
    return receiver().iterator();
  }

  /**
   * Returns the values as a sequential stream that ends when the channel is closed and drained.
   *
   * @return a stream that receives the values under the context current when it is made
   */
  public Stream<T> stream() {
    return receiver().stream();
  }

  /**
   * Returns a {@link dev.shuttle.channel.Select} case that receives a value and maps it.
   *
   * @param <R> what the select returns when this case is chosen
   * @param then maps the received value to the select's result
   * @return the case, for {@code Select}
   */
  public <R> SelectCase<R> onReceive(Function<? super T, ? extends R> then) {
    return receiver().onReceive(then);
  }

  /**
   * Returns this process's receiving end as a {@link ReceiveChannel}: the in-process channel the
   * values are handed to, for code (a pipeline, a fan-in) that takes a {@code ReceiveChannel}. Its
   * {@code len()} and {@code cap()} are those of the hand-over (0), not of the stream.
   *
   * @return the receive-only in-process channel
   */
  public ReceiveChannel<T> receiver() {
    ChannelFetcher<T> started = fetcher();
    started.demand();
    return local.receiveOnly();
  }

  /**
   * Closes the channel for every process: sends fail from now on (in other processes, from the
   * moment they learn of it), and receivers drain the stream before they see it closed. Idempotent.
   *
   * @throws UncheckedIOException if the server cannot be reached
   */
  public void close() {
    try {
      closedFlags.put(name, "closed");
    } catch (IOException e) {
      throw new UncheckedIOException("closing channel " + name + " failed: " + e.getMessage(), e);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException("closing channel " + name + " failed: " + e.getMessage(), e);
    }
    markClosed();
  }

  /**
   * Returns {@code true} once this process knows the channel is closed.
   *
   * @return whether the channel is closed, as far as this process has learnt
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Returns the number of values in the stream: sent and not yet taken by a receiver (including
   * those pulled ahead and being handed over, and a value just received until its acknowledgement
   * reaches the server). Asks the server.
   *
   * @return the number of values the stream holds now
   * @throws UncheckedIOException if the server cannot be reached
   */
  public int len() {
    try {
      return (int) pending();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Returns the channel's capacity: the most values its stream holds.
   *
   * @return the capacity the channel was built with
   */
  public int cap() {
    return capacity;
  }

  /**
   * Returns the channel's name.
   *
   * @return the name given to {@link #builder}
   */
  public String name() {
    return name;
  }

  /**
   * Ends this process's use of the channel without closing it: stops receiving (a value being
   * handed over goes back to JetStream for another receiver), stops watching for the close, and
   * closes this process's receiving end, so receivers here see it closed. Idempotent. The
   * connection stays open: it is the caller's.
   *
   * @throws InterruptedException if interrupted while waiting for the receiving thread to stop
   */
  public void detach() throws InterruptedException {
    ChannelFetcher<T> running;
    lock.lock();
    try {
      if (detached) {
        return;
      }
      detached = true;
      running = fetcher;
    } finally {
      lock.unlock();
    }
    try {
      closeWatch.unsubscribe();
    } catch (IllegalStateException connectionClosed) {
      // Nothing left to unsubscribe from.
    }
    if (running != null) {
      running.stop();
    }
    if (!local.isClosed()) {
      local.close(); // only this thread closes it now that the fetcher has stopped
    }
  }

  @Override
  public String toString() {
    return "NatsChannel[" + name + ", cap=" + capacity + (closed ? ", closed" : "") + "]";
  }

  String subject() {
    return subject;
  }

  Codec<T> codec() {
    return codec;
  }

  Duration ackWait() {
    return ackWait;
  }

  SpanRelation spanRelation() {
    return spanRelation;
  }

  long pending() throws IOException, JetStreamApiException {
    return connection.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
  }

  private ChannelFetcher<T> fetcher() {
    ChannelFetcher<T> running = fetcher;
    if (running != null) {
      return running;
    }
    lock.lock();
    try {
      if (fetcher != null) {
        return fetcher;
      }
      if (detached) {
        throw new IllegalStateException("channel " + name + " was detached from this process");
      }
      ChannelFetcher<T> started =
          new ChannelFetcher<>(
              this,
              () ->
                  connection
                      .jetStream()
                      .subscribe(
                          subject, PullSubscribeOptions.bind(stream, ChannelStreams.CONSUMER)),
              local,
              () -> closed);
      started.start();
      fetcher = started;
      return started;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads the closed flag from the server, for when the watch lags: jnats re-creates the watch's
   * consumer after a server restart only when its heartbeat alarm fires (15 to 30 s later). While
   * the server cannot be reached, this process's knowledge stands; the next call asks again.
   */
  void refreshClosed() {
    if (closed) {
      return;
    }
    try {
      if (isClosedFlag(closedFlags.get(name))) {
        markClosed();
      }
    } catch (IOException | JetStreamApiException | IllegalStateException unreachable) {
      // a timeout while the server restarts: asked again after the next empty pull
    }
  }

  private void markClosed() {
    closed = true;
    ChannelFetcher<T> running = fetcher;
    if (running != null) {
      running.wake();
    }
  }

  private static boolean isClosedFlag(@Nullable KeyValueEntry entry) {
    return entry != null && entry.getOperation() == KeyValueOperation.PUT;
  }

  /** Learns of a close made anywhere, through the key-value watch. */
  private final class CloseWatcher implements KeyValueWatcher {
    @Override
    public void watch(KeyValueEntry entry) {
      if (isClosedFlag(entry)) {
        markClosed();
      }
    }

    @Override
    public void endOfData() {}
  }
}
