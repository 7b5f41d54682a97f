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
 *
 * <h2>Blocking, cancellation and interrupts</h2>
 *
 * <p>Every blocking Shuttle call — channel send and receive, {@code select}, the {@code await}s of
 * {@code WaitGroup}, {@code ErrGroup} and the pools, {@code submit} on a full pool, {@link
 * Goroutine#join()}, {@code Contexts.sleep} — waits under a context: the one it is given, else
 * {@link io.opentelemetry.context.Context#current()}. When that context is done the call returns
 * within milliseconds by throwing a {@code ContextDoneException} whose cause is the context's
 * cause; nothing it was about to do has happened (a send that throws did not deliver). An interrupt
 * of the waiting thread ends the call with {@link InterruptedException}, as in {@code
 * java.util.concurrent}.
 *
 * <p>Cancellation is Go's, cooperative: a context's done signal reaches the Shuttle calls that wait
 * on it. Because Java's blocking calls answer interrupts instead, work that Shuttle runs on a
 * thread it owns (goroutines, {@code ErrGroup} tasks, pool jobs, pipeline stages, fan-out workers,
 * threads of {@link Go#threadFactory()}) is also interrupted when its context is done, unless the
 * context derives from {@code Contexts.withoutInterrupt}; a task that fails because of that
 * interrupt reports the cancellation it stands for. Shuttle never interrupts a thread it does not
 * own.
 *
 * <h2>Locks</h2>
 *
 * <p>Each channel, pool, group and context has its own {@link
 * java.util.concurrent.locks.ReentrantLock} (never {@code synchronized}, which would pin a virtual
 * thread's carrier), held for a few field writes. User code never runs under a Shuttle lock, with
 * one exception: a {@code Once} body runs holding that {@code Once}'s lock, so that concurrent
 * callers wait for it, as in Go. Where Shuttle holds two of its locks at once it takes them in one
 * order, so that it cannot deadlock itself: a {@code select} locks its channels in the order of
 * their ids; a pool or group registers a waiter with its context while holding its own lock (the
 * primitive's lock before the context's); a timer sends its value, without blocking, while holding
 * its own lock (the timer's before the channel's). A context never takes another lock while holding
 * its own: callbacks on its done signal run on the cancelling thread after it released it.
 */
@NullMarked
package dev.shuttle;

import org.jspecify.annotations.NullMarked;
