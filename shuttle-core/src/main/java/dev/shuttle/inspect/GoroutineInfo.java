package dev.shuttle.inspect;

import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One live goroutine in a {@link GoroutineDump}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param id the goroutine's id: its virtual thread's {@link Thread#threadId()}, as a JDK thread
 *     dump shows it
 * @param name its thread's name
 * @param owner what started it: {@code go}, {@code waitgroup}, {@code errgroup <name>}, {@code pool
 *     <name>}, {@code pipeline <name> stage <stage>}, {@code fan-out}, {@code fan-in}, {@code
 *     timer}
 * @param parentId the id of the goroutine that started it, or {@code 0} when a thread that is not a
 *     Shuttle goroutine did
 * @param spanName the name of its own span, or {@code null} when it runs in its parent's span
 * @param spanContext the span it runs in now (a pool worker's changes with each job); invalid when
 *     untraced
 * @param parentSpanContext the parent of its own span; equal to {@code spanContext} when it has no
 *     own span
 * @param startedAt when it started (to about 10 ms)
 * @param blockedOn what it waits on, or {@code null} while it runs
 * @param blockedSince since when it waits (to about 10 ms), or {@code null} while it runs
 */
public record GoroutineInfo(
    long id,
    String name,
    String owner,
    long parentId,
    @Nullable String spanName,
    SpanContext spanContext,
    SpanContext parentSpanContext,
    Instant startedAt,
    @Nullable BlockedOn blockedOn,
    @Nullable Instant blockedSince) {

  /** Checks the arguments. */
  public GoroutineInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(spanContext, "spanContext");
    Objects.requireNonNull(parentSpanContext, "parentSpanContext");
    Objects.requireNonNull(startedAt, "startedAt");
    if ((blockedOn == null) != (blockedSince == null)) {
      throw new IllegalArgumentException("blockedOn and blockedSince go together");
    }
  }

  /**
   * Whether it is blocked.
   *
   * @return {@code true} if {@link #blockedOn()} is not {@code null}
   */
  public boolean blocked() {
    return blockedOn != null;
  }

  /**
   * How long it has been blocked at {@code now}; zero while it runs.
   *
   * @param now the moment to measure at, typically the dump's {@link GoroutineDump#takenAt()}
   * @return the time since {@link #blockedSince()}, never negative
   */
  public Duration blockedFor(Instant now) {
    return blockedSince == null ? Duration.ZERO : nonNegative(Duration.between(blockedSince, now));
  }

  /**
   * How long it has lived at {@code now}.
   *
   * @param now the moment to measure at, typically the dump's {@link GoroutineDump#takenAt()}
   * @return the time since {@link #startedAt()}, never negative
   */
  public Duration age(Instant now) {
    return nonNegative(Duration.between(startedAt, now));
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
