package dev.shuttle.pool;

import dev.shuttle.channel.SendChannel;
import dev.shuttle.internal.Checks;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One submitted job: what to run, the context it was submitted with, the name and attributes of its
 * span, where its result goes. The arguments are checked here, so every pool words a mistake the
 * same way.
 *
 * <p>Implementation note: {@code id} and {@code enqueuedNanos} are written by the submitter while
 * the pool accepts the job (under the pool's lock, or before the job's thread starts), which
 * publishes them to the thread that runs it; nothing writes them afterwards.
 */
final class Job<T> {
  final Context context;
  final String spanName;
  final Attributes attributes;
  final Callable<T> callable;
  final @Nullable SendChannel<? super JobResult<T>> results;
  final CompletableFuture<T> future = new CompletableFuture<>();
  long id;
  long enqueuedNanos;

  Job(
      Context context,
      String spanName,
      Attributes attributes,
      Callable<T> callable,
      @Nullable SendChannel<? super JobResult<T>> results) {
    this.context = Objects.requireNonNull(context, "context");
    this.spanName = Checks.spanName(spanName);
    this.attributes = Objects.requireNonNull(attributes, "attributes");
    this.callable = Objects.requireNonNull(callable, "job");
    this.results = results;
  }

  /** Returns what {@link Pool#stopNow} reports for this job, which it took before it started. */
  UnstartedJob unstarted() {
    return new UnstartedJob(id, callable, context);
  }
}
