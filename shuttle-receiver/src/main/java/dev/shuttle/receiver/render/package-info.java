/**
 * Plain-text terminal rendering of received telemetry: traces as indented trees, metrics as a
 * compact summary, optionally with ANSI colour (off by default).
 */
@NullMarked
package dev.shuttle.receiver.render;

import org.jspecify.annotations.NullMarked;
