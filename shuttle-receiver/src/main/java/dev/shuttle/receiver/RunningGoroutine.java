package dev.shuttle.receiver;

import java.util.Objects;

/**
 * One goroutine that a Shuttle process reported running in a round of its live export (a {@code
 * shuttle.goroutine.running} log record, see {@code docs/live-view.md}), as the receiver keeps it.
 *
 * <p>Every string came over the network: it is cut to {@link LiveRecords#MAX_NAME_CHARS} (names,
 * kinds, ids) or {@link LiveRecords#MAX_TEXT_CHARS} (what it blocks on, the body) but not escaped;
 * escape it where it is shown. An attribute the record did not carry is the empty string, or 0 for
 * numbers.
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * @param id the goroutine's id in its process ({@code shuttle.goroutine.id})
 * @param name its name ({@code shuttle.goroutine.name})
 * @param owner the group, pool or stage that started it ({@code shuttle.goroutine.owner})
 * @param parentId the id of the goroutine that started it, 0 for none
 * @param state {@code running} or {@code blocked} ({@code shuttle.goroutine.state})
 * @param blockedOn what it waits on, such as {@code chan send on jobs (len 10, cap 10)}
 * @param blockedOnKind the kind of wait, such as {@code chan send}, {@code select}, {@code pool
 *     idle}
 * @param blockedSinceUnixNanos when it blocked, in the sender's clock; 0 when not blocked
 * @param startedAtUnixNanos when it started, in the sender's clock; 0 when not reported
 * @param traceId the trace it runs in, 32 lower-case hex digits; empty when untraced
 * @param spanId the span it runs in (its own span if it has one), 16 hex digits; or empty
 * @param spanName the name of its own span, empty when it has none
 * @param parentSpanId the parent of its own span, 16 hex digits; empty when it has no own span
 * @param round the export round that reported it
 * @param timeUnixNanos the round's time, in the sender's clock
 * @param body the record's human line
 */
public record RunningGoroutine(
    long id,
    String name,
    String owner,
    long parentId,
    String state,
    String blockedOn,
    String blockedOnKind,
    long blockedSinceUnixNanos,
    long startedAtUnixNanos,
    String traceId,
    String spanId,
    String spanName,
    String parentSpanId,
    long round,
    long timeUnixNanos,
    String body) {

  /** The {@code state} of a goroutine waiting on something. */
  public static final String BLOCKED = "blocked";

  /** The {@code state} of a goroutine not waiting. */
  public static final String RUNNING = "running";

  /** Checks that no string is null. */
  public RunningGoroutine {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(blockedOn, "blockedOn");
    Objects.requireNonNull(blockedOnKind, "blockedOnKind");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(spanName, "spanName");
    Objects.requireNonNull(parentSpanId, "parentSpanId");
    Objects.requireNonNull(body, "body");
  }

  /**
   * Returns whether the goroutine was blocked when the round was taken.
   *
   * @return true if its state is {@code blocked}
   */
  public boolean blocked() {
    return state.equals(BLOCKED);
  }

  /**
   * Returns whether the goroutine has a span of its own, not yet ended when the round was taken.
   *
   * @return true if it reported a span name and a span id
   */
  public boolean hasOwnSpan() {
    return !spanName.isEmpty() && !spanId.isEmpty();
  }

  /**
   * Returns how long the goroutine had been blocked when the round was taken, by the sender's
   * clock.
   *
   * @return the nanoseconds, 0 when not blocked or not known
   */
  public long blockedForNanos() {
    if (!blocked() || blockedSinceUnixNanos <= 0 || timeUnixNanos < blockedSinceUnixNanos) {
      return 0;
    }
    return timeUnixNanos - blockedSinceUnixNanos;
  }

  /**
   * Returns the span id a trace view places this goroutine under: the parent of its own span, or
   * the span it runs in when it has none.
   *
   * @return 16 hex digits, or empty when untraced (or its own span is a root)
   */
  public String placedUnderSpanId() {
    return hasOwnSpan() ? parentSpanId : spanId;
  }

  /** Estimated heap bytes of this object and its strings, for the store's byte limit. */
  long estimatedBytes() {
    return 96
        + text(name)
        + text(owner)
        + text(state)
        + text(blockedOn)
        + text(blockedOnKind)
        + text(traceId)
        + text(spanId)
        + text(spanName)
        + text(parentSpanId)
        + text(body);
  }

  private static long text(String s) {
    return s.isEmpty() ? 0 : 40 + 2L * s.length();
  }
}
