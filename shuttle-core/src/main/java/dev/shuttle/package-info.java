/**
 * Goroutines: tasks on virtual threads that run under a context, so the trace and the cancellation
 * signal follow them.
 *
 * {@snippet :
 * Go.go(() -> log.info("runs with the caller's span current"));
 * Goroutine<Report> report =
 *     Go.start(Context.current(), "build-report", Attributes.empty(), () -> buildReport());
 * Report r = report.join(); // the task's own exception, if it failed
 * }
 */
@NullMarked
package dev.shuttle;

import org.jspecify.annotations.NullMarked;
