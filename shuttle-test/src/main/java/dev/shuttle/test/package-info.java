/**
 * A leak check for tests of code that uses Shuttle: {@link dev.shuttle.test.ShuttleLeakCheck} fails
 * a test that leaves behind goroutines it started or Shuttle spans it did not end, and prints a
 * goroutine dump of what leaked. Spans are seen through {@link
 * dev.shuttle.test.ShuttleLeakCheck#spanProcessor()}, added to the SDK the test builds.
 */
@NullMarked
package dev.shuttle.test;

import org.jspecify.annotations.NullMarked;
