package dev.shuttle.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@code nats-server} with JetStream for a benchmark: found on the PATH or in /usr/sbin, started
 * on a free port of 127.0.0.1 with a file store in a temporary directory, stopped and its directory
 * deleted by {@link #close()}. Not thread-safe: one thread starts and closes it.
 */
final class NatsServerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  /** The line nats-server logs once it accepts clients. */
  private static final String READY = "Server is ready";

  /** Linux's USER_HZ, the unit of the CPU times in /proc (getconf CLK_TCK; 100 on x86-64). */
  private static final long TICKS_PER_SECOND = 100;

  private final Process process;
  private final Path dir;
  private final int port;

  private NatsServerProcess(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /**
   * Starts the server and returns once it logs that it is ready (it listens by then).
   *
   * @throws IllegalStateException if nats-server is not installed, or exits or does not listen is
   *     not ready within ten seconds (with its log)
   */
  static NatsServerProcess start() throws IOException, InterruptedException {
    Path executable = executable();
    Path dir = Files.createTempDirectory("shuttle-bench-nats-");
    int port = freePort();
    Process process =
        new ProcessBuilder(
                executable.toString(),
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-sd",
                dir.resolve("store").toString())
            .redirectErrorStream(true)
            .start();
    NatsServerProcess server = new NatsServerProcess(process, dir, port);
    try {
      server.awaitReady();
      return server;
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
  }

  /**
   * Returns the CPU time (user and system) the server process used so far, from {@code
   * /proc/<pid>/stat}, in nanoseconds with the resolution of a clock tick (10 ms at the usual 100
   * ticks per second); -1 where there is no {@code /proc}.
   */
  long cpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Returns the server's URL. */
  String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** Stops the server (waiting for it to exit) and deletes its directory. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    delete(dir);
  }

  /**
   * Reads the server's log until it says it is ready (after it listens), then keeps reading it so
   * that the server never blocks on a full pipe; fails with the log if the server exits first.
   */
  private void awaitReady() throws InterruptedException {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Queue<String> log = new ConcurrentLinkedQueue<>();
    Thread.ofVirtual()
        .name("shuttle-bench-nats-server-log")
        .start(
            () -> {
              try (BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  if (!ready.isDone()) {
                    log.add(line);
                    if (line.endsWith(READY)) {
                      ready.complete(null);
                    }
                  }
                }
              } catch (IOException ended) {
                // the process is gone: said below
              }
              ready.completeExceptionally(
                  new IllegalStateException("nats-server exited: " + String.join("\n", log)));
            });
    try {
      ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (IllegalStateException) e.getCause();
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "nats-server was not ready within " + START_TIMEOUT + ": " + String.join("\n", log));
    }
  }

  private static Path executable() {
    List<Path> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      Pattern.compile(Pattern.quote(File.pathSeparator))
          .splitAsStream(path)
          .filter(d -> !d.isEmpty())
          .forEach(d -> dirs.add(Path.of(d)));
    }
    dirs.add(Path.of("/usr/sbin"));
    return dirs.stream()
        .map(d -> d.resolve("nats-server"))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "nats-server is not on the PATH (nor in /usr/sbin): install it with"
                        + " `apt-get install nats-server`"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
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
