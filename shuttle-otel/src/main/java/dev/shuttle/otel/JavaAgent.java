package dev.shuttle.otel;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Detects an active OpenTelemetry Java agent ({@code -javaagent:opentelemetry-javaagent.jar}).
 *
 * <p>The agent is active when both hold: its bootstrap class {@value #BOOTSTRAP_CLASS} is on the
 * bootstrap class path (the agent put it there), and {@link GlobalOpenTelemetry} is set to the
 * agent's bridge, an instance of a class in {@value #AGENT_PACKAGE}. The first alone is not enough:
 * with {@code -Dotel.javaagent.enabled=false} the bootstrap class is present but the agent installs
 * nothing. {@link GlobalOpenTelemetry#get()} is only called once {@link
 * GlobalOpenTelemetry#isSet()} is true, so detection never freezes the global instance as a no-op.
 *
 * <p>Thread-safety: stateless; safe to call from any thread.
 */
final class JavaAgent {
  /** A class the agent loads into the bootstrap class loader at start-up. */
  static final String BOOTSTRAP_CLASS = "io.opentelemetry.javaagent.bootstrap.AgentInitializer";

  /** The package of the agent's classes, among them its {@code GlobalOpenTelemetry} bridge. */
  static final String AGENT_PACKAGE = "io.opentelemetry.javaagent.";

  private JavaAgent() {}

  /** Returns the agent's {@code GlobalOpenTelemetry} if the agent is active in this JVM. */
  static Optional<OpenTelemetry> global() {
    if (!bootstrapClassPresent() || !GlobalOpenTelemetry.isSet()) {
      return Optional.empty();
    }
    OpenTelemetry global = GlobalOpenTelemetry.get();
    return isAgents(global) ? Optional.of(global) : Optional.empty();
  }

  /** Whether {@code openTelemetry} is the agent's bridge rather than an application's SDK. */
  static boolean isAgents(@Nullable Object openTelemetry) {
    return openTelemetry != null && openTelemetry.getClass().getName().startsWith(AGENT_PACKAGE);
  }

  private static boolean bootstrapClassPresent() {
    try {
      Class.forName(BOOTSTRAP_CLASS, false, null); // the bootstrap class loader only
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
