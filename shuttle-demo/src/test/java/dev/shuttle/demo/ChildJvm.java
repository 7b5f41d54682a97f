package dev.shuttle.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A {@code shuttle} command in a child JVM, as a user runs it, with its standard output and error
 * collected line by line.
 *
 * <p>Implementation note: two reader threads append to the line lists under {@code lock} and signal
 * {@code changed}; {@link #awaitErrLine} waits on it.
 */
final class ChildJvm {
  private final Process process;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final Thread outReader;
  private final Thread errReader;

  private ChildJvm(Process process) {
    this.process = process;
    this.outReader = Thread.ofVirtual().start(() -> collect(process.getInputStream(), out));
    this.errReader = Thread.ofVirtual().start(() -> collect(process.getErrorStream(), err));
  }

  /** Starts {@code main} with {@code args}, on this JVM's class path, with {@code env} added. */
  static ChildJvm start(Class<?> main, List<String> args, Map<String, String> env)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove(DemoSession.ENDPOINT_VARIABLE);
    builder.environment().putAll(env);
    return new ChildJvm(builder.start());
  }

  private void collect(InputStream stream, List<String> lines) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lock.lock();
        try {
          lines.add(line);
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until a line of standard error matches {@code wanted}. */
  void awaitErrLine(Predicate<String> wanted) throws InterruptedException {
    lock.lock();
    try {
      while (err.stream().noneMatch(wanted)) {
        if (!process.isAlive() && !errReader.isAlive()) {
          throw new AssertionError("the child ended first: " + out + " " + err);
        }
        changed.await(100, TimeUnit.MILLISECONDS); // also notices the child's end
      }
    } finally {
      lock.unlock();
    }
  }

  /** Sends {@code signal} (INT, TERM) to the child. */
  void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + signal + " failed");
    }
  }

  /** Waits for the child to end and for its output to be read; returns its exit code. */
  int exitCode() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the child did not end: " + out() + " " + err());
    }
    outReader.join();
    errReader.join();
    return process.exitValue();
  }

  List<String> out() {
    lock.lock();
    try {
      return List.copyOf(out);
    } finally {
      lock.unlock();
    }
  }

  List<String> err() {
    lock.lock();
    try {
      return List.copyOf(err);
    } finally {
      lock.unlock();
    }
  }
}
