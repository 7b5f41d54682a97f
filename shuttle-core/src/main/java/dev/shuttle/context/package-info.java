/**
 * Go's {@code context} cancellation, stored inside OpenTelemetry's {@link
 * io.opentelemetry.context.Context}.
 *
 * <p>A Shuttle context <em>is</em> an OpenTelemetry context: the cancellation state lives under a
 * private {@link io.opentelemetry.context.ContextKey}, so the current span and the cancellation
 * signal always travel together, and any OpenTelemetry context (one made by the Java agent, an HTTP
 * client, a test) can be made cancellable with {@link dev.shuttle.context.Contexts}. A context with
 * no Shuttle state behaves as Go's {@code context.Background()}: never done, no deadline.
 *
 * {@snippet :
 * try (CancelableContext timed = Contexts.withTimeout(Context.current(), Duration.ofSeconds(2));
 *     Scope ignored = timed.makeCurrent()) {
 *   callBackend(); // sees the span and the deadline via Context.current()
 * }
 * }
 */
@NullMarked
package dev.shuttle.context;

import org.jspecify.annotations.NullMarked;
