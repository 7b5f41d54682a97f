package dev.shuttle.demo.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The distributed scenario's worker JVMs: {@link DistributedWorker} started with this JVM's {@code
 * java} and class path, each ready once it printed {@value DistributedWorker#READY}. {@link
 * #close()} closes their standard input, which ends them (they flush their spans first), and waits.
 * Not thread-safe; one scenario run owns it.
 */
final class WorkerProcesses implements AutoCloseable {
  private static final long READY_TIMEOUT_SECONDS = 60;
  private static final long EXIT_TIMEOUT_SECONDS = 30;

  private final List<Process> processes = new ArrayList<>();
  private final List<Path> errors = new ArrayList<>();

  private WorkerProcesses() {}

  /** Starts one worker JVM per name and returns once each is ready. */
  static WorkerProcesses start(String natsUrl, OtlpTarget target, List<String> names)
      throws IOException, InterruptedException {
    WorkerProcesses workers = new WorkerProcesses();
    try {
      List<CompletableFuture<Void>> ready = new ArrayList<>();
      for (String name : names) {
        ready.add(workers.launch(natsUrl, target, name));
      }
      for (int i = 0; i < ready.size(); i++) {
        workers.awaitReady(ready.get(i), names.get(i), i);
      }
      return workers;
    } catch (IOException | RuntimeException | InterruptedException e) {
      workers.close();
      throw e;
    }
  }

  private CompletableFuture<Void> launch(String natsUrl, OtlpTarget target, String name)
      throws IOException {
    Path error = Files.createTempFile("shuttle-demo-" + name + "-", ".err");
    errors.add(error);
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", // starts faster; the workers' jobs are tiny
                "-cp",
                System.getProperty("java.class.path"),
                DistributedWorker.class.getName(),
                natsUrl,
                target.endpoint(),
                target.protocol(),
                name)
            .redirectError(error.toFile())
            .start();
    processes.add(process);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("shuttle-demo-" + name + "-out")
        .start(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  if (line.equals(DistributedWorker.READY)) {
                    ready.complete(null);
                  }
                }
                ready.completeExceptionally(new IllegalStateException(name + " exited"));
              } catch (IOException e) {
                ready.completeExceptionally(e);
              }
            });
    return ready;
  }

  private void awaitReady(CompletableFuture<Void> ready, String name, int index)
      throws IOException, InterruptedException {
    try {
      ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          name + " did not start: " + Files.readString(errors.get(index)).strip(), e);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    for (Process process : processes) {
      process.getOutputStream().close();
    }
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < processes.size(); i++) {
      Process process = processes.get(i);
      if (!process.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        failures.add("a worker did not stop in " + EXIT_TIMEOUT_SECONDS + " s");
      } else if (process.exitValue() != 0) {
        failures.add(
            "a worker exited with "
                + process.exitValue()
                + ": "
                + Files.readString(errors.get(i)).strip());
      }
    }
    for (Path error : errors) {
      Files.deleteIfExists(error);
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(String.join("; ", failures));
    }
  }
}
