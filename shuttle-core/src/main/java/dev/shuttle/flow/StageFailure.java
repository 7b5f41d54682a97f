package dev.shuttle.flow;

import io.opentelemetry.context.Context;

/**
 * An item that failed in a stage, as sent to the error channel of {@link FailurePolicy#sendTo}.
 *
 * @param stage the stage's name
 * @param input what the stage was given
 * @param error what it threw
 * @param context the item's context: its span (ended, with the failure recorded) and the run's
 *     cancellation
 */
public record StageFailure(String stage, Object input, Throwable error, Context context) {}
