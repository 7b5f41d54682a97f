package dev.shuttle.bench;

import java.util.ArrayList;
import java.util.List;

/** Starts benchmark bodies on virtual threads and joins them. */
final class VirtualThreads {
  private VirtualThreads() {}

  /** Work that may block. */
  @FunctionalInterface
  interface Body {
    void run() throws InterruptedException;
  }

  /** Runs every body on its own virtual thread and waits for all of them. */
  static void runAll(List<Body> bodies) throws InterruptedException {
    List<Thread> threads = new ArrayList<>(bodies.size());
    for (Body body : bodies) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      body.run();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }
}
