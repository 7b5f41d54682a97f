package dev.shuttle.demo;

import dev.shuttle.demo.scenario.ChannelScenario;
import dev.shuttle.demo.scenario.GoroutinesScenario;
import dev.shuttle.demo.scenario.Scenario;
import dev.shuttle.demo.scenario.WorkerPoolScenario;
import dev.shuttle.otel.ShuttleOtel;
import java.util.List;

/**
 * A Shuttle application as a user writes one, run by {@link JavaAgentIT} in a JVM of its own under
 * {@code -javaagent}: it sets up telemetry with {@link ShuttleOtel} and runs the {@code
 * goroutines}, {@code channel} and {@code worker-pool} scenarios. It exits with 3 if {@code
 * ShuttleOtel} did not detect the agent; the agent exports everything at exit.
 */
public final class AgentProgram {
  private AgentProgram() {}

  /** Runs the scenarios; the arguments are ignored. */
  public static void main(String[] args) throws Exception {
    try (ShuttleOtel otel = ShuttleOtel.builder().serviceName("ignored-under-the-agent").start()) {
      if (!otel.usesJavaAgent()) {
        System.err.println("ShuttleOtel did not detect the Java agent: " + otel);
        System.exit(3);
      }
      List<Scenario> scenarios =
          List.of(new GoroutinesScenario(), new ChannelScenario(), new WorkerPoolScenario());
      for (Scenario scenario : scenarios) {
        scenario.run(otel.openTelemetry());
      }
    }
    System.out.println("done");
  }
}
