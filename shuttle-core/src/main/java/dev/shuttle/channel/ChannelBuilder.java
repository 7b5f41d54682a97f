package dev.shuttle.channel;

import dev.shuttle.internal.Checks;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Configures a {@link Channel}: capacity, a name (shown in {@code toString} and as {@code
 * messaging.destination.name}), and whether values carry the sender's context.
 *
 * {@snippet :
 * Channel<Tick> ticks = Channel.builder().capacity(1).name("ticks").messageContext(false).build();
 * }
 *
 * <p>Not thread-safe; each {@link #build()} returns a new, independent channel.
 */
public final class ChannelBuilder {
  private int capacity;
  private @Nullable String name;
  private boolean messageContext = true;

  ChannelBuilder() {}

  /**
   * Sets the buffer size; 0 (the default) makes a rendezvous channel.
   *
   * @param capacity how many values the channel holds without a receiver, from 0 to 2<sup>30</sup>
   * @return this builder
   * @throws IllegalArgumentException if {@code capacity} is negative or above 2<sup>30</sup>
   */
  public ChannelBuilder capacity(int capacity) {
    this.capacity = Ring.checkCapacity(Checks.capacity(capacity));
    return this;
  }

  /**
   * Names the channel, for diagnostics and consumer spans.
   *
   * @param name the name shown in {@code toString} and as {@code messaging.destination.name}
   * @return this builder
   */
  public ChannelBuilder name(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return this;
  }

  /**
   * Chooses whether each value carries the context it was sent in (default {@code true}). Turn it
   * off for channels whose values never need tracing, such as timers and tokens; {@link
   * Message#context()} is then {@link io.opentelemetry.context.Context#root()}.
   *
   * @param enabled {@code true} to carry each sender's context, {@code false} to carry none
   * @return this builder
   */
  public ChannelBuilder messageContext(boolean enabled) {
    this.messageContext = enabled;
    return this;
  }

  /**
   * {@return a new channel with these settings}
   *
   * @param <T> the channel's element type
   */
  public <T> Channel<T> build() {
    return new Channel<>(capacity, name, messageContext);
  }
}
