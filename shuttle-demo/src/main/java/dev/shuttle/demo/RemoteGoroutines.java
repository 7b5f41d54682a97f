package dev.shuttle.demo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.management.JMException;

/**
 * Reads the goroutine dump of a JVM for {@code shuttle goroutines}: checks what can be checked
 * before attaching (the process exists, runs as this user, this runtime can attach), then attaches
 * and reads the MBean on a worker thread, within a deadline, so that a stopped or hung target never
 * hangs the command.
 *
 * <p>Thread-safety: stateless; each call uses its own worker thread.
 */
final class RemoteGoroutines {
  private RemoteGoroutines() {}

  /**
   * Returns the dump of the JVM {@code pid}, as text or as JSON, exactly as its MBean sent it.
   *
   * @throws GoroutinesFailure if there is no such JVM, it cannot be attached to, it runs no
   *     Shuttle, or it did not answer within {@code timeout}
   */
  static String read(long pid, boolean json, Duration timeout)
      throws GoroutinesFailure, InterruptedException {
    ProcessHandle process =
        ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .orElseThrow(
                () ->
                    new GoroutinesFailure(
                        "no process has pid "
                            + pid
                            + " (has it ended?); jps lists the running JVMs"));
    if (pid == ProcessHandle.current().pid()) {
      try { // no attach (a JVM cannot attach to itself by default), no serialisation
        return JmxDump.read(ManagementFactory.getPlatformMBeanServer(), json, "this JVM");
      } catch (IOException | JMException e) {
        throw new GoroutinesFailure(
            "could not read this JVM's goroutines: " + DumpOutput.oneLine(e));
      }
    }
    String me = System.getProperty("user.name", "");
    Optional<String> owner = process.info().user();
    if (owner.isPresent() && !owner.get().equals(me)) {
      throw new GoroutinesFailure(
          "process "
              + pid
              + " runs as user "
              + owner.get()
              + ", not "
              + me
              + ": the JDK attach API reaches only JVMs of the same user; run this command as "
              + owner.get());
    }
    if (ModuleLayer.boot().findModule("jdk.attach").isEmpty()) {
      throw new GoroutinesFailure(
          "this Java runtime has no jdk.attach module (a JRE, or a jlink image without it);"
              + " run shuttle goroutines with a full JDK");
    }
    AnswerFilter.install();
    String command = process.info().command().orElse("command unknown");
    CompletableFuture<String> answer = new CompletableFuture<>();
    Thread worker =
        Thread.ofPlatform()
            .daemon()
            .name("shuttle-goroutines-" + pid)
            .start(
                () -> {
                  try {
                    answer.complete(
                        AnswerFilter.during(() -> JvmAttach.readDump(pid, command, json, timeout)));
                  } catch (Throwable t) {
                    answer.completeExceptionally(t);
                  }
                });
    try {
      return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      worker.interrupt();
      throw new GoroutinesFailure(
          "process "
              + pid
              + " did not answer within "
              + DumpOutput.human(timeout)
              + " (is it stopped, hung, or very busy?); try again, or give it longer with"
              + " --timeout");
    } catch (InterruptedException e) {
      worker.interrupt();
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof GoroutinesFailure failure) {
        throw failure;
      }
      throw new GoroutinesFailure(
          "could not read the goroutines of process " + pid + ": " + DumpOutput.oneLine(cause));
    }
  }
}
