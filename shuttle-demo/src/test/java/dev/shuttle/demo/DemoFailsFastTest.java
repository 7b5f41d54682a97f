package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code shuttle demo} against an endpoint that does not take its export, in a child JVM as a user
 * runs it (through {@link Main}, with the command line's logging): one line that says what to do,
 * exit code 2, and nothing from the OpenTelemetry SDK's own logging.
 */
@Timeout(120)
class DemoFailsFastTest {
  @Test
  void anEndpointVariableWithoutSchemeIsOneLineNamingTheVariable() throws Exception {
    ChildJvm child =
        ChildJvm.start(
            Main.class,
            List.of("demo", "--scenario", "once"),
            Map.of(DemoSession.ENDPOINT_VARIABLE, "localhost:4317"));

    assertThat(child.exitCode()).isEqualTo(2);
    assertThat(child.err())
        .containsExactly(
            "OTEL_EXPORTER_OTLP_ENDPOINT is 'localhost:4317', which is not an OTLP endpoint URL:"
                + " it needs a scheme, as in http://localhost:4317");
    assertThat(child.out()).isEmpty();
  }

  @Test
  void aFailedExportStopsTheDemoInOneLineWithoutTheSdksLogs() throws Exception {
    // given: an endpoint that accepts connections and closes them at once
    try (RudeEndpoint rude = new RudeEndpoint()) {
      String url = rude.url();

      // when
      ChildJvm child =
          ChildJvm.start(
              Main.class,
              List.of("demo", "--scenario", "once", "--scenario", "goroutines", "--endpoint", url),
              Map.of());

      // then: progress lines aside, standard error is the one line
      assertThat(child.exitCode()).as("%s", child.err()).isEqualTo(2);
      assertThat(child.err().stream().filter(line -> !line.startsWith("[")))
          .containsExactly(
              "the OTLP export to "
                  + url
                  + " failed, so the demo stopped; check that a collector listens there for"
                  + " OTLP over grpc (--endpoint, --protocol)");
      assertThat(child.out()).anyMatch(line -> line.startsWith("== once:"));
      assertThat(child.out()).noneMatch(line -> line.startsWith("== goroutines:"));
    }
  }
}
