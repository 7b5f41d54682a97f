/**
 * Pipelines and fan-out/fan-in over {@link dev.shuttle.channel.Channel}s, with each item's trace
 * kept intact from source to sink. Every channel they hand out is a {@link
 * dev.shuttle.channel.ReceiveChannel}; the channels they read may be receive-only views.
 *
 * <ul>
 *   <li>{@link dev.shuttle.flow.Pipeline}: stages with their own concurrency, bounded buffers
 *       between them (back-pressure), ordered or unordered output, a span per item and per stage, a
 *       failure policy, and completion without sleeping.
 *   <li>{@link dev.shuttle.flow.FanOut}: distribute a channel round-robin to N channels, or share
 *       one channel among N workers ({@link dev.shuttle.flow.FanOutBuilder}).
 *   <li>{@link dev.shuttle.flow.FanIn}: merge N channels into one that closes when all have closed.
 * </ul>
 */
@NullMarked
package dev.shuttle.flow;

import org.jspecify.annotations.NullMarked;
