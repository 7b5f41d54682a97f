/**
 * Worker pools on virtual threads, traced and measured: a fixed {@link dev.shuttle.pool.WorkerPool}
 * with a bounded queue, a {@link dev.shuttle.pool.DynamicWorkerPool} that grows on queue depth and
 * retires idle workers, and a {@link dev.shuttle.pool.BoundedPool} that runs each task on its own
 * virtual thread but never more than a limit at once. All three implement {@link
 * dev.shuttle.pool.Pool}, whose Javadoc states their common contract (submitting, outcomes, {@code
 * stop}, {@code stopNow}, {@code awaitTermination}, {@code close}, memory consistency).
 *
 * <p>Every job runs in a span that is a child of the context its submitter passed (or had current)
 * at submission, never of the worker's, so jobs from different requests land in their own traces
 * whichever worker runs them. Metric names are in {@link dev.shuttle.telemetry.PoolMetricNames}.
 *
 * {@snippet :
 * try (WorkerPool pool = WorkerPool.builder().name("thumbnails").size(4).build()) {
 *   CompletableFuture<Image> thumb = pool.submit(() -> resize(image)); // blocks while the queue is full
 *   show(thumb.join());
 * } // close(): stop taking jobs, run every accepted one, wait for the workers
 * }
 */
@NullMarked
package dev.shuttle.pool;

import org.jspecify.annotations.NullMarked;
