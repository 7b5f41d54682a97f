package dev.shuttle.demo.scenario;

import io.opentelemetry.api.OpenTelemetry;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * One of the guide's examples, runnable by {@code shuttle demo --scenario NAME}.
 *
 * <p>A scenario throws only when something went wrong; failures it demonstrates on purpose (a
 * failing errgroup task, a timeout) are caught and checked inside it.
 */
public interface Scenario {
  /** The name used on the command line, e.g. {@code timeout-cancel}. */
  String name();

  /** One line saying what the scenario shows. */
  String description();

  /** Runs the scenario, recording its own spans to {@code openTelemetry}. */
  void run(OpenTelemetry openTelemetry) throws Exception;

  /**
   * Runs the scenario as {@link #run(OpenTelemetry)} does, printing to {@code out} what it shows
   * while it runs (most scenarios print nothing: their traces are shown after them).
   */
  default void run(OpenTelemetry openTelemetry, PrintWriter out) throws Exception {
    run(openTelemetry);
  }

  /**
   * Runs the scenario as {@link #run(OpenTelemetry, PrintWriter)} does; a scenario that starts
   * processes of its own has them export to {@code target}, where the demo's own spans go.
   */
  default void run(OpenTelemetry openTelemetry, PrintWriter out, OtlpTarget target)
      throws Exception {
    run(openTelemetry, out);
  }

  /**
   * Returns whether {@code --scenario all}, the default, runs this scenario; {@code false} for one
   * that needs more than this JVM (a server, other processes), which runs only when named.
   */
  default boolean inAll() {
    return true;
  }

  /**
   * Returns what this scenario needs that this machine lacks, in one line saying how to get it;
   * empty when it can run. The demo checks before any scenario runs.
   */
  default Optional<String> missing() {
    return Optional.empty();
  }
}
