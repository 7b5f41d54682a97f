package dev.shuttle.demo.scenario;

import static dev.shuttle.demo.scenario.DistributedScenario.JOBS;
import static dev.shuttle.demo.scenario.DistributedScenario.WORKERS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.demo.OtlpRun;
import dev.shuttle.otel.OtlpProtocol;
import dev.shuttle.receiver.StoredSpan;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The distributed scenario over real OTLP, with a real nats-server and two real worker JVMs: one
 * trace spans the three processes.
 */
@Timeout(120)
class DistributedScenarioTest {
  private static OtlpRun run;

  @BeforeAll
  static void runOverGrpc() throws Exception {
    run = OtlpRun.of(new DistributedScenario(), OtlpProtocol.GRPC);
  }

  @Test
  void oneTraceSpansTheSubmitterAndBothWorkerProcesses() {
    StoredSpan request = run.span("submit-jobs");
    List<StoredSpan> sends = run.children(request);
    assertThat(sends).hasSize(JOBS);
    assertThat(sends).allSatisfy(send -> assertThat(send.name()).startsWith("send shuttle.pool."));

    List<StoredSpan> processes =
        sends.stream().flatMap(send -> run.children(send).stream()).toList();
    assertThat(processes).hasSize(JOBS);
    assertThat(processes)
        .allSatisfy(
            process -> {
              assertThat(process.name()).startsWith("process shuttle.pool.");
              assertThat(process.traceId()).isEqualTo(request.traceId());
            });
    Set<String> services =
        processes.stream().map(StoredSpan::serviceName).collect(Collectors.toSet());
    assertThat(services)
        .isSubsetOf(WORKERS.stream().map(w -> "shuttle-demo-" + w).collect(Collectors.toSet()))
        .hasSizeGreaterThanOrEqualTo(1);
    assertThat(request.serviceName()).isEqualTo("shuttle-demo");
  }

  @Test
  void isNotInAllAndSaysWhatItNeeds() {
    DistributedScenario scenario = new DistributedScenario();
    assertThat(scenario.inAll()).isFalse();
    assertThat(scenario.missing()).isEmpty(); // nats-server is installed where the tests run
  }
}
