/**
 * Shuttle's internals that more than one of its packages needs. Public only for that reason: not an
 * API, may change in any release without notice.
 */
@NullMarked
package dev.shuttle.internal;

import org.jspecify.annotations.NullMarked;
