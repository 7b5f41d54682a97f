package dev.shuttle.nats;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A main class of the test sources in a child JVM: this JVM's {@code java}, and on the child's
 * class path everything this JVM has on its module path and class path (the child runs on the class
 * path, so the tests' records need no {@code opens}). Its standard output and error are collected
 * line by line.
 *
 * <p>Implementation note: two reader threads append to the line lists under {@code lock} and signal
 * {@code changed}; {@link #awaitOutLine} waits on it.
 */
final class ChildJvmProcess implements AutoCloseable {
  private final Process process;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final Thread outReader;
  private final Thread errReader;

  private ChildJvmProcess(Process process) {
    this.process = process;
    this.outReader = Thread.ofVirtual().start(() -> collect(process.getInputStream(), out));
    this.errReader = Thread.ofVirtual().start(() -> collect(process.getErrorStream(), err));
  }

  /** Starts {@code main} with {@code args}, without the {@code OTEL_*} variables of this JVM. */
  static ChildJvmProcess start(Class<?> main, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1"); // starts faster; the child runs briefly
    command.add("-cp");
    command.add(classPath(main));
    command.add(main.getName());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("OTEL_"));
    return new ChildJvmProcess(builder.start());
  }

  /** The test classes, then this JVM's module path and class path, as one class path. */
  private static String classPath(Class<?> main) {
    Set<String> entries = new LinkedHashSet<>();
    try {
      entries.add(
          Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the test classes of " + main, e);
    }
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      String value = System.getProperty(property);
      if (value != null) {
        Pattern.compile(Pattern.quote(File.pathSeparator))
            .splitAsStream(value)
            .filter(entry -> !entry.isEmpty())
            .forEach(entries::add);
      }
    }
    return String.join(File.pathSeparator, entries);
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

  long pid() {
    return process.pid();
  }

  /**
   * Waits until a line of standard output matches {@code wanted}; fails if the child ends first.
   */
  void awaitOutLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (out.stream().noneMatch(wanted)) {
        if (!process.isAlive() && !outReader.isAlive()) {
          throw new AssertionError("the child ended first: " + out + " " + err);
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no such line within " + timeout + ": " + out + " " + err);
        }
        changed.await(100, TimeUnit.MILLISECONDS); // also notices the child's end
      }
    } finally {
      lock.unlock();
    }
  }

  /** Kills the child at once (SIGKILL), waits for it to end and for its output to be read. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    awaitEnd();
  }

  /** Waits for the child to end and for its output to be read; returns its exit code. */
  int exitCode(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the child did not end within " + timeout + ": " + out() + err());
    }
    awaitEnd();
    return process.exitValue();
  }

  private void awaitEnd() throws InterruptedException {
    process.waitFor();
    outReader.join();
    errReader.join();
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

  /** Kills the child if it still runs (a failed test). */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
