/**
 * What is running now: every goroutine Shuttle starts, what it waits on and since when, with its
 * trace.
 *
 * <p>{@link dev.shuttle.Goroutines#snapshot()} takes a {@link dev.shuttle.inspect.GoroutineDump}
 * (text grouped by owner, like a Go goroutine dump, and JSON); the same dump is served by the MBean
 * {@code dev.shuttle:type=Goroutines}, which {@code shuttle goroutines <pid>} reads from outside
 * the process. {@link dev.shuttle.Goroutines#detectStalls} reports goroutines blocked too long as
 * OpenTelemetry log records, and {@link dev.shuttle.Goroutines#exportLive} exports the running
 * goroutines periodically so that a receiver shows unfinished work.
 */
@NullMarked
package dev.shuttle.inspect;

import org.jspecify.annotations.NullMarked;
