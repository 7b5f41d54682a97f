package dev.shuttle.internal;

import dev.shuttle.inspect.BlockedOn;

/**
 * Describes what a goroutine blocked on, from the object it blocked on, when a snapshot is taken.
 * Implementations are stateless constants (non-capturing lambdas), so recording a block allocates
 * nothing.
 */
@FunctionalInterface
public interface BlockSite {
  /**
   * Describes {@code target} (the channel, group, pool… passed to {@link GoroutineRegistry#block}).
   */
  BlockedOn describe(Object target);
}
