package dev.shuttle.telemetry;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attribute keys Shuttle puts on spans and metrics; OTel semantic conventions where they name
 * one, the keys Go services commonly use otherwise.
 */
public final class ShuttleAttributes {
  /** {@code error.type}: the failure's class name (OTel semantic conventions). */
  public static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");

  /** {@code timeout.exceeded}: {@code true} on a span whose context's deadline passed. */
  public static final AttributeKey<Boolean> TIMEOUT_EXCEEDED = booleanKey("timeout.exceeded");

  /** {@code operation.canceled}: {@code true} on a span whose context was cancelled. */
  public static final AttributeKey<Boolean> OPERATION_CANCELED = booleanKey("operation.canceled");

  /** {@code failure.cause}: the message of the cancellation's cause. */
  public static final AttributeKey<String> FAILURE_CAUSE = stringKey("failure.cause");

  /** {@code task.index}: the position of a task in its batch. */
  public static final AttributeKey<Long> TASK_INDEX = longKey("task.index");

  /** {@code task.name}: the name of a task. */
  public static final AttributeKey<String> TASK_NAME = stringKey("task.name");

  /** {@code task.detached}: {@code true} on work started under {@code withoutCancel}. */
  public static final AttributeKey<Boolean> TASK_DETACHED = booleanKey("task.detached");

  /** {@code errgroup.limit}: the group's concurrency limit, if it has one. */
  public static final AttributeKey<Long> ERRGROUP_LIMIT = longKey("errgroup.limit");

  /** {@code errgroup.tasks}: how many tasks the group started. */
  public static final AttributeKey<Long> ERRGROUP_TASKS = longKey("errgroup.tasks");

  /** {@code errgroup.failures}: how many of the group's tasks failed. */
  public static final AttributeKey<Long> ERRGROUP_FAILURES = longKey("errgroup.failures");

  private ShuttleAttributes() {}
}
