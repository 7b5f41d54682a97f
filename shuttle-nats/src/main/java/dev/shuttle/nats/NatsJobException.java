package dev.shuttle.nats;

import java.io.Serial;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link NatsJob#result} when a job of a {@link NatsWorkerPool} ended without a result:
 * {@link #outcome()} says how, {@link #getMessage()} carries the worker's text (the remote
 * failure's class name and message, or the cancellation's cause), and {@link #attempts()} how many
 * times the job was delivered. The worker's exception itself stays in the worker's process (on its
 * span and in the dead-letter stream).
 *
 * <p>Immutable.
 */
public final class NatsJobException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  /** How a job ended without a result. */
  public enum Outcome {
    /**
     * The job failed on every allowed attempt, or its body could not be decoded, and it was moved
     * to the pool's dead-letter subject.
     */
    DEAD_LETTERED,
    /** The job was not started, or was stopped, because the submitter's deadline passed. */
    EXPIRED,
    /** The job was not started, or was stopped, because the submitter's context was cancelled. */
    CANCELED,
    /** The worker's reply could not be read: an unknown outcome, or a result the codec refused. */
    FAILED;

    /** Returns the outcome's name in the {@code Shuttle-Outcome} header: {@code dead_lettered}. */
    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Returns the outcome named {@code wireName}, or {@code null} if there is none. */
    static @Nullable Outcome fromWire(@Nullable String wireName) {
      for (Outcome outcome : values()) {
        if (outcome.wireName().equals(wireName)) {
          return outcome;
        }
      }
      return null;
    }
  }

  /** The id of the job, as {@link NatsJob#id()} gives it. */
  private final String jobId;

  /** How the job ended. */
  private final Outcome outcome;

  /** How many times the job was delivered to workers; 0 when the worker did not say. */
  private final long attempts;

  NatsJobException(
      String jobId, Outcome outcome, String remoteText, long attempts, @Nullable Throwable cause) {
    super("job " + jobId + " " + outcome.wireName() + ": " + remoteText, cause);
    this.jobId = jobId;
    this.outcome = outcome;
    this.attempts = attempts;
  }

  /**
   * Returns the id of the job.
   *
   * @return the job's id, as {@link NatsJob#id()} gives it
   */
  public String jobId() {
    return jobId;
  }

  /**
   * Returns how the job ended.
   *
   * @return the outcome that the worker reported, or {@link Outcome#FAILED} if it could not be read
   */
  public Outcome outcome() {
    return outcome;
  }

  /**
   * Returns how many times the job was delivered to workers, if the worker said (0 when it did
   * not).
   *
   * @return the number of deliveries, or 0
   */
  public long attempts() {
    return attempts;
  }
}
