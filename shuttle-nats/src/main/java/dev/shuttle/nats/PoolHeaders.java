package dev.shuttle.nats;

import io.nats.client.impl.Headers;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The headers a {@link NatsWorkerPool} adds to jobs, results, cancellations and dead letters (the
 * trace, the deadline and the cancellation are {@link NatsHeaders}'). Stateless.
 */
final class PoolHeaders {
  /** The job's id, also its {@code Nats-Msg-Id}: on jobs, results, cancels and dead letters. */
  static final String JOB_ID = "Shuttle-Job-Id";

  /** The subject the submitter waits for the job's outcome on. */
  static final String REPLY_TO = "Shuttle-Reply-To";

  /** How a job ended, on results: {@code success} or a {@link NatsJobException.Outcome}. */
  static final String OUTCOME = "Shuttle-Outcome";

  /** Why a job failed, on results and dead letters. */
  static final String ERROR = "Shuttle-Error";

  /** How many times the job was delivered, on results and dead letters. */
  static final String ATTEMPTS = "Shuttle-Attempts";

  /** The value of {@link #OUTCOME} for a job that returned a result. */
  static final String SUCCESS = "success";

  /** The longest job id, in characters. */
  static final int MAX_JOB_ID_LENGTH = 256;

  /** The longest {@link #ERROR} text written, in characters. */
  static final int MAX_ERROR_LENGTH = 1024;

  /** The longest subject read from {@link #REPLY_TO}, in characters. */
  static final int MAX_SUBJECT_LENGTH = 256;

  private PoolHeaders() {}

  /** Returns the single value of {@code name}, if it is printable ASCII within {@code max}. */
  static @Nullable String single(@Nullable Headers headers, String name, int max) {
    if (headers == null) {
      return null;
    }
    List<String> values = headers.get(name);
    if (values == null || values.size() != 1) {
      return null;
    }
    return HeaderText.joined(values, max);
  }

  /** Returns the reply subject in {@code headers}, if it is one a worker may publish to. */
  static @Nullable String replyTo(@Nullable Headers headers) {
    String subject = single(headers, REPLY_TO, MAX_SUBJECT_LENGTH);
    if (subject == null || subject.isEmpty() || subject.contains(" ")) {
      return null;
    }
    return subject.contains("*") || subject.contains(">") ? null : subject;
  }

  /** Returns the text of {@code failure}: its class name and message, reduced to a header value. */
  static String errorText(Throwable failure) {
    String message = failure.getMessage();
    String text = failure.getClass().getName() + (message == null ? "" : ": " + message);
    return HeaderText.printableAscii(text, MAX_ERROR_LENGTH);
  }

  /** Returns {@code text} reduced to a header value. */
  static String text(String text) {
    return HeaderText.printableAscii(text, MAX_ERROR_LENGTH);
  }
}
