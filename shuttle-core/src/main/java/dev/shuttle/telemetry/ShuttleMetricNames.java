package dev.shuttle.telemetry;

/** The names of the instruments Shuttle creates, under the {@code dev.shuttle} meter. */
public final class ShuttleMetricNames {
  /** Counter of goroutines started, {@code {goroutine}}. */
  public static final String GOROUTINES_STARTED = "shuttle.goroutine.started";

  /** UpDownCounter of goroutines running now, {@code {goroutine}}. */
  public static final String GOROUTINES_ACTIVE = "shuttle.goroutine.active";

  /**
   * Counter of fire-and-forget goroutines that failed with nobody to join them, {@code {failure}},
   * with {@code error.type}; each also reached the thread's uncaught-exception handler.
   */
  public static final String GOROUTINES_UNCAUGHT = "shuttle.goroutine.uncaught_failures";

  private ShuttleMetricNames() {}
}
