package dev.shuttle.demo.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged {@code shuttle.jar} run in a JVM of its own, as a user runs it: its output (stdout
 * and stderr together) is collected line by line, so that a test can wait for a line such as {@code
 * Viewer on URL}, then stop it with SIGTERM as Ctrl-C would.
 *
 * <p>Implementation note: one virtual thread reads the child's output into a {@link
 * CopyOnWriteArrayList}; the test's thread polls that list, and joins the reader after the child
 * ended, so every line is in before {@link #stop} returns.
 */
final class JarProcess implements AutoCloseable {
  /** The shaded jar that {@code mvn package} builds, relative to the module (failsafe's cwd). */
  static final Path JAR = Path.of("target", "shuttle.jar");

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private JarProcess(Process process) {
    this.process = process;
    this.reader =
        Thread.ofVirtual()
            .name("shuttle-jar-output")
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                      lines.add(line);
                    }
                  } catch (IOException e) {
                    lines.add("(reading the output failed: " + e + ")");
                  }
                });
  }

  /** Runs {@code java -jar shuttle.jar args...} with the JVM that runs the tests. */
  static JarProcess start(String... args) throws IOException {
    assertThat(Files.exists(JAR)).as("%s, built by mvn package", JAR).isTrue();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
    command.addAll(List.of(args));
    return new JarProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /**
   * Waits until a line of the output matches {@code pattern} and returns the first such match.
   *
   * @throws AssertionError if no line matches within {@code timeout} or the process ends first,
   *     with everything printed so far
   */
  MatchResult awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    while (true) {
      List<String> now = List.copyOf(lines);
      for (; checked < now.size(); checked++) {
        Matcher m = pattern.matcher(now.get(checked));
        if (m.find()) {
          return m.toMatchResult();
        }
      }
      if (!process.isAlive() && !reader.isAlive() && checked == lines.size()) {
        throw new AssertionError(
            "shuttle ended (exit code "
                + process.exitValue()
                + ") without printing /"
                + pattern
                + "/:\n"
                + output());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "shuttle printed no line matching /"
                + pattern
                + "/ within "
                + timeout
                + ":\n"
                + output());
      }
      Thread.sleep(20);
    }
  }

  /** Everything printed so far. */
  String output() {
    return String.join("\n", lines);
  }

  /**
   * Sends SIGTERM (as Ctrl-C would stop it, without a terminal) and waits for the JVM to end.
   *
   * @return its exit code
   */
  int stop(Duration timeout) throws InterruptedException {
    // SIGTERM on Linux. Through the handle: Process.destroy() would also close the output pipe,
    // losing what the child prints while it stops.
    process.toHandle().destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("shuttle did not stop within " + timeout + ":\n" + output());
    }
    reader.join(Duration.ofSeconds(10));
    return process.exitValue();
  }

  /** Ends the JVM forcibly if it is still running (after a failed test). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
