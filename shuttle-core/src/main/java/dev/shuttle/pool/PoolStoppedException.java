package dev.shuttle.pool;

import java.io.Serial;
import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown by a submission to a pool that was stopped (Go panics when it sends on the closed jobs
 * channel). The job did not run and will not run. Also thrown to submitters that were waiting for
 * room in the queue when the pool was stopped.
 */
public final class PoolStoppedException extends RejectedExecutionException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception for the pool named {@code poolName}.
   *
   * @param poolName the stopped pool's name, quoted in the message
   */
  public PoolStoppedException(String poolName) {
    super("pool '" + poolName + "' is stopped and accepts no new jobs");
  }
}
