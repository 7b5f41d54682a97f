package dev.shuttle.pool;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a job produced, as sent to a results channel: Go's {@code Result{JobID, Data, Error}} as a
 * sealed type, so a {@code switch} covers both cases.
 *
 * {@snippet :
 * for (JobResult<String> r : results) {
 *   switch (r) {
 *     case JobResult.Success<String> s -> System.out.println(s.jobId() + " -> " + s.value());
 *     case JobResult.Failure<String> f -> log.warn("job " + f.jobId() + " failed", f.error());
 *   }
 * }
 * }
 *
 * @param <T> the job's result type
 */
public sealed interface JobResult<T> {
  /**
   * Returns the pool-assigned number of the job (its {@code job.id} span attribute).
   *
   * @return the job's number, unique within its pool
   */
  long jobId();

  /**
   * A job that returned normally.
   *
   * @param jobId the pool-assigned number of the job
   * @param value what the job returned; {@code null} if it returned {@code null}
   * @param <T> the job's result type
   */
  record Success<T>(long jobId, @Nullable T value) implements JobResult<T> {}

  /**
   * A job that threw.
   *
   * @param jobId the pool-assigned number of the job
   * @param error what the job threw, unchanged
   * @param <T> the job's result type
   */
  record Failure<T>(long jobId, Throwable error) implements JobResult<T> {
    /** Creates a failure; {@code error} is required. */
    public Failure {
      Objects.requireNonNull(error, "error");
    }
  }
}
