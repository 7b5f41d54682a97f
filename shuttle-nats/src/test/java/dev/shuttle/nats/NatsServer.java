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
import org.jspecify.annotations.Nullable;

/**
 * A real {@code nats-server} with JetStream for the tests: started by jnats-server-runner on a free
 * port, bound to 127.0.0.1 only, storing in a temporary directory that {@link #close()} deletes. It
 * can be stopped and started again on the same port with the same store ({@link #stop()}, {@link
 * #restart()}), as an operator restarts a server.
 *
 * <p>Not thread-safe: one test thread starts, stops and closes it; {@link #url()} may be read from
 * any thread.
 */
final class NatsServer implements AutoCloseable {
  static final String MISSING =
      "nats-server is not on the PATH (nor in /usr/sbin): install it with"
          + " `apt-get install nats-server` (Debian/Ubuntu; .ci/run does it in CI)";

  private final Path executable;
  private final Path store;
  private final int port;

  /** The running server; {@code null} between {@link #stop()} and {@link #restart()}. */
  private @Nullable NatsServerRunner runner;

  private NatsServer(Path executable, NatsServerRunner runner, Path store) {
    this.executable = executable;
    this.runner = runner;
    this.store = store;
    this.port = runner.getPort();
  }

  static NatsServer start() throws IOException {
    Path executable = find(searchPath());
    Path store = Files.createTempDirectory("shuttle-nats-js-");
    try {
      return new NatsServer(executable, run(executable, null, store), store);
    } catch (IOException | RuntimeException e) {
      delete(store);
      throw e;
    }
  }

  private static NatsServerRunner run(Path executable, @Nullable Integer port, Path store)
      throws IOException {
    NatsServerRunner.Builder builder =
        NatsServerRunner.builder()
            .executablePath(executable)
            .jetstream()
            .customArgs(List.of("-a", "127.0.0.1", "-sd", store.toString()));
    if (port != null) {
      builder.port(port);
    }
    return builder.build();
  }

  /**
   * Stops the server as an operator does (SIGTERM: JetStream writes its state to the store) and
   * waits until the process has exited; the store is kept. Clients see the connection drop.
   */
  void stop() throws InterruptedException {
    NatsServerRunner running = runner;
    if (running == null) {
      throw new IllegalStateException("the server is already stopped");
    }
    runner = null;
    running.shutdown(true);
  }

  /**
   * Starts the server again after {@link #stop()}, on the same port with the same store: its
   * streams, consumers and key-value buckets come back, and clients that keep reconnecting find it.
   */
  void restart() throws IOException {
    if (runner != null) {
      throw new IllegalStateException("the server is running; stop() it first");
    }
    runner = run(executable, port, store);
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
    return "nats://127.0.0.1:" + port;
  }

  String commandLine() {
    NatsServerRunner running = runner;
    if (running == null) {
      throw new IllegalStateException("the server is stopped");
    }
    return running.getCmdLine();
  }

  @Override
  public void close() throws Exception {
    try {
      NatsServerRunner running = runner;
      runner = null;
      if (running != null) {
        running.close();
      }
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
