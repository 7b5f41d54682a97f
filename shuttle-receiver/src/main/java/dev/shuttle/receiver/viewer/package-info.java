/**
 * The web viewer: a page served from the jar that shows the traces and metrics of a {@link
 * dev.shuttle.receiver.TelemetryStore} in a browser, with the concurrency insight a waterfall alone
 * does not give (critical path, parallelism, queue wait, lanes of workers), and the JSON API it
 * reads ({@code docs/viewer-api.md}).
 *
 * <p>{@link dev.shuttle.receiver.viewer.ViewerServer} serves it on a port of its own, bound to
 * 127.0.0.1 by default, with the receiver's protections against web pages in the user's browser:
 * the {@code Host} check against DNS rebinding, no CORS, a Content-Security-Policy without inline
 * script, and escaped excerpts only in error messages.
 */
@NullMarked
package dev.shuttle.receiver.viewer;

import org.jspecify.annotations.NullMarked;
