/**
 * Plain-text terminal rendering of received telemetry: traces as indented trees, metrics as a
 * compact summary, optionally with ANSI colour (off by default) and fitted to a terminal's width
 * (not by default); printers that print traces as they complete and metrics as they change. Every
 * string that came over the network is printed through {@link
 * dev.shuttle.receiver.render.Untrusted}, which escapes control and format characters visibly and
 * bounds the length.
 */
@NullMarked
package dev.shuttle.receiver.render;

import org.jspecify.annotations.NullMarked;
