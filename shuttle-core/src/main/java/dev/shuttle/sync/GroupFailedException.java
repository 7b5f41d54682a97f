package dev.shuttle.sync;

import java.io.Serial;
import java.util.List;

/**
 * Thrown by {@link ErrGroup#await()} of a group built with {@link
 * ErrGroupBuilder#collectAllFailures()}: every task's failure, in the order they happened, each
 * also attached as a suppressed exception so stack traces show them all.
 *
 * <p>Immutable once thrown.
 */
public final class GroupFailedException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** Every task's failure, in the order the tasks failed. */
  @SuppressWarnings("serial") // an immutable List.copyOf; failures are Serializable
  private final List<Throwable> failures;

  GroupFailedException(List<Throwable> failures, long tasks) {
    super(failures.size() + " of " + tasks + " tasks failed; first: " + failures.getFirst());
    this.failures = List.copyOf(failures);
    for (Throwable failure : this.failures) {
      addSuppressed(failure);
    }
  }

  /**
   * Returns every failure, in the order the tasks failed.
   *
   * @return the tasks' exceptions, unchanged; an immutable list of at least one
   */
  public List<Throwable> failures() {
    return failures;
  }
}
