package dev.shuttle.demo;

import dev.shuttle.demo.scenario.Scenario;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;

/**
 * The JVM that {@link DemoSignalTest} stops: {@code shuttle demo} over two scenarios, {@code quick}
 * (one span) and {@code blocking} (waits until the JVM ends).
 */
public final class DemoChild {
  private DemoChild() {}

  /** Runs {@code demo} with {@code args} over the two scenarios, and exits with its exit code. */
  public static void main(String[] args) {
    CommandLine cli =
        Main.configure(new CommandLine(new DemoCommand(List.of(quick(), blocking()))));
    System.exit(Main.execute(cli, args));
  }

  private static Scenario quick() {
    return new Scenario() {
      @Override
      public String name() {
        return "quick";
      }

      @Override
      public String description() {
        return "ends one span";
      }

      @Override
      public void run(OpenTelemetry openTelemetry) {
        openTelemetry.getTracer("child").spanBuilder("quick-span").startSpan().end();
      }
    };
  }

  private static Scenario blocking() {
    return new Scenario() {
      @Override
      public String name() {
        return "blocking";
      }

      @Override
      public String description() {
        return "waits for ever";
      }

      // No span: one ended here would reach the receiver before or after the Ctrl-C, as the export
      // happens to go, and the interrupted run's span count would be 1 or 2 (seen in .ci/run).
      @Override
      public void run(OpenTelemetry openTelemetry) throws InterruptedException {
        new CountDownLatch(1).await();
      }
    };
  }
}
