/**
 * Go's {@code sync} and {@code errgroup}: {@link dev.shuttle.sync.WaitGroup}, {@link
 * dev.shuttle.sync.ErrGroup} and {@link dev.shuttle.sync.Once}, on virtual threads, with the
 * caller's context (trace and cancellation) carried into every task.
 */
@NullMarked
package dev.shuttle.sync;

import org.jspecify.annotations.NullMarked;
