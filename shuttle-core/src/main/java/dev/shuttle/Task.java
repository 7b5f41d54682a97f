package dev.shuttle;

/**
 * A unit of work that may fail with any exception: the body of a goroutine, an {@code ErrGroup}
 * task or a {@code WaitGroup.go} task. Go's {@code func() error}.
 */
@FunctionalInterface
public interface Task {
  /**
   * Does the work.
   *
   * @throws Exception if the work failed; Shuttle records it and hands it to whoever joins
   */
  void run() throws Exception;
}
