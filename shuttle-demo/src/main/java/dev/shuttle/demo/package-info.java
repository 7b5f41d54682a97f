/** The {@code shuttle} command: runnable examples of Shuttle's patterns, with their traces. */
@NullMarked
package dev.shuttle.demo;

import org.jspecify.annotations.NullMarked;
