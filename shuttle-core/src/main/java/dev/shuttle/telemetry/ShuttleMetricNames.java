package dev.shuttle.telemetry;

/** The names of the instruments Shuttle creates, under the {@code dev.shuttle} meter. */
public final class ShuttleMetricNames {
  /** Counter of goroutines started, {@code {goroutine}}. */
  public static final String GOROUTINES_STARTED = "shuttle.goroutine.started";

  /** UpDownCounter of goroutines running now, {@code {goroutine}}. */
  public static final String GOROUTINES_ACTIVE = "shuttle.goroutine.active";

  /**
   * Counter of goroutines whose task failed, {@code {failure}}, with {@code error.type}: every
   * failure of a goroutine, {@code WaitGroup.go}, {@code ErrGroup} or {@code BoundedPool} task,
   * whether or not somebody joins it.
   */
  public static final String GOROUTINES_FAILED = "shuttle.goroutine.failures";

  /**
   * Counter of goroutine failures that nobody observed, {@code {failure}}, with {@code error.type}:
   * a fire-and-forget goroutine's ({@code Go.go}, {@code WaitGroup.go}) at once, and a joinable
   * goroutine's when its handle became unreachable before anybody joined it. Each also reached an
   * uncaught-exception handler.
   */
  public static final String GOROUTINES_UNCAUGHT = "shuttle.goroutine.uncaught_failures";

  /**
   * Counter: goroutines reported as stalled (blocked longer than the stall detector's threshold),
   * by {@code shuttle.goroutine.blocked_on.kind}; each blocked spell counts once.
   */
  public static final String GOROUTINE_STALLS = "shuttle.goroutine.stalls";

  private ShuttleMetricNames() {}
}
