/**
 * Shuttle's internals that more than one of its packages needs: argument checks, the goroutine
 * registry and its watchers, caller-named spans. Public only for that reason: not an API, may
 * change in any release without notice, not exported.
 *
 * <p>Layering, kept by {@code ArchitectureTest}: this package depends on the vocabulary ({@code
 * dev.shuttle.telemetry}) and the snapshot's value types ({@code dev.shuttle.inspect}) only; {@code
 * dev.shuttle.context} depends on it (a goroutine waiting for a context is registered as blocked);
 * work that runs under a context lives above both, in {@code dev.shuttle.internal.run}.
 */
@NullMarked
package dev.shuttle.internal;

import org.jspecify.annotations.NullMarked;
