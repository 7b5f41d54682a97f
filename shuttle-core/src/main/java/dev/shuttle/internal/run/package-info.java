/**
 * Not API. How Shuttle runs user work under a context: {@code TaskLauncher} starts goroutines
 * (traced, counted, registered), {@code InterruptOnCancel} interrupts their threads when the
 * context is done. Sits above {@code dev.shuttle.context} and {@code dev.shuttle.internal}; nothing
 * below depends on it. Not exported.
 */
@NullMarked
package dev.shuttle.internal.run;

import org.jspecify.annotations.NullMarked;
