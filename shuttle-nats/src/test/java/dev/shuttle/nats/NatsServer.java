package dev.shuttle.nats;

import io.nats.NatsServerRunner;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real {@code nats-server} with JetStream for the tests: started by jnats-server-runner on a free
 * port, bound to 127.0.0.1 only, storing in a temporary directory that {@link #close()} deletes.
 */
final class NatsServer implements AutoCloseable {
  static final String MISSING =
      "nats-server is not on the PATH (nor in /usr/sbin): install it with"
          + " `apt-get install nats-server` (Debian/Ubuntu; .ci/run does it in CI)";

  private final NatsServerRunner runner;
  private final Path store;

  private NatsServer(NatsServerRunner runner, Path store) {
    this.runner = runner;
    this.store = store;
  }

  static NatsServer start() throws IOException {
    Path executable = find(searchPath());
    Path store = Files.createTempDirectory("shuttle-nats-js-");
    try {
      NatsServerRunner runner =
          NatsServerRunner.builder()
              .executablePath(executable)
              .jetstream()
              .customArgs(List.of("-a", "127.0.0.1", "-sd", store.toString()))
              .build();
      return new NatsServer(runner, store);
    } catch (IOException | RuntimeException e) {
      delete(store);
      throw e;
    }
  }

  /** Returns the directories searched for {@code nats-server}: the PATH, then /usr/sbin. */
  static List<Path> searchPath() {
    List<Path> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      Pattern.compile(Pattern.quote(File.pathSeparator))
          .splitAsStream(path)
          .filter(dir -> !dir.isEmpty())
          .forEach(dir -> dirs.add(Path.of(dir)));
    }
    dirs.add(Path.of("/usr/sbin"));
    return dirs;
  }

  /**
   * Returns the first executable {@code nats-server} in {@code dirs}, or fails saying how to get
   * it.
   */
  static Path find(List<Path> dirs) {
    return dirs.stream()
        .map(dir -> dir.resolve("nats-server"))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(MISSING));
  }

  String url() {
    return "nats://127.0.0.1:" + runner.getPort();
  }

  String commandLine() {
    return runner.getCmdLine();
  }

  @Override
  public void close() throws Exception {
    try {
      runner.close();
    } finally {
      delete(store);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
