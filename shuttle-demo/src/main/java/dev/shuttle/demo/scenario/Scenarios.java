package dev.shuttle.demo.scenario;

import java.util.List;

/** Every scenario of {@code shuttle demo}, in the order {@code all} runs them. */
public final class Scenarios {
  private Scenarios() {}

  /**
   * Returns a fresh instance of every scenario, in the guide's order, then Shuttle's own; {@code
   * all} runs those whose {@link Scenario#inAll()} says so.
   */
  public static List<Scenario> all() {
    return List.of(
        new GoroutinesScenario(),
        new BoundedPoolScenario(),
        new DynamicPoolScenario(),
        new ChannelScenario(),
        new PipelineScenario(),
        new SelectScenario(),
        new WorkerPoolScenario(),
        new FanOutFanInScenario(),
        new MetricsScenario(),
        new TimeoutCancelScenario(),
        new BestPracticesScenario(),
        new OnceScenario(),
        new ContextCauseScenario(),
        new AtomicMetricsScenario(),
        new DeadlockScenario(),
        new DistributedScenario());
  }
}
