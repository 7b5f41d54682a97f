package dev.shuttle.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the packaged {@code shuttle.jar} as a user would, in a JVM of its own: catches what unit
 * tests on the test classpath cannot, such as a dependency missing from the executable jar.
 */
@Timeout(120)
class ShuttleJarIT {
  private static final Path JAR = Path.of("target", "shuttle.jar");

  private static Result run(String... args) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(100, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private record Result(int exitCode, String output) {}

  @Test
  void theWholeDemoRunsFromTheJarOverGrpcAndFinishesWithin60Seconds() throws Exception {
    assertThat(Files.exists(JAR)).as("built by mvn package").isTrue();
    long start = System.nanoTime();
    Result result = run("demo");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("embedded receiver at http://127.0.0.1:")
        .contains("0 failed")
        .doesNotContain("ConfigurationException");
    assertThat(seconds).isLessThan(60);
  }

  @Test
  void theDemoRunsFromTheJarOverHttpProtobuf() throws Exception {
    Result result =
        run("demo", "--quiet", "--protocol", "http/protobuf", "--scenario", "goroutines");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("1 scenario, 0 failed; 3 traces, 12 spans received")
        .doesNotContain("SLF4J") // a binding is in the jar
        .doesNotContain("jetty-12"); // and Jetty's start-up lines are quiet
  }

  @Test
  void versionComesFromTheJarManifest() throws Exception {
    Result result = run("--version");
    assertThat(result.exitCode()).isZero();
    assertThat(result.output()).startsWith("shuttle 0.");
  }
}
