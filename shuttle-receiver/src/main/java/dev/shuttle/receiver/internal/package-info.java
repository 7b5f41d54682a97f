/**
 * The receiver's and the viewer's shared protections ({@code Host} checks, escaped excerpts of
 * request data, cutting off slow request heads). Internal: not an API for applications, and free to
 * change in any release.
 */
@NullMarked
package dev.shuttle.receiver.internal;

import org.jspecify.annotations.NullMarked;
