package dev.shuttle.telemetry;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Attribute keys and values on the spans of channels, pipelines and fan-out/fan-in; OpenTelemetry's
 * messaging semantic conventions where they apply.
 */
public final class ChannelAttributes {
  /** {@code messaging.system}: always {@link #MESSAGING_SYSTEM_SHUTTLE} on Shuttle's spans. */
  public static final AttributeKey<String> MESSAGING_SYSTEM = stringKey("messaging.system");

  /** The value of {@link #MESSAGING_SYSTEM}: in-process Shuttle channels. */
  public static final String MESSAGING_SYSTEM_SHUTTLE = "shuttle";

  /** The value of {@link #MESSAGING_SYSTEM} on the spans of {@code shuttle-nats}: {@value}. */
  public static final String MESSAGING_SYSTEM_NATS = "nats";

  /** {@code messaging.operation.name}: {@code process} on consumer spans. */
  public static final AttributeKey<String> MESSAGING_OPERATION_NAME =
      stringKey("messaging.operation.name");

  /** The value of {@link #MESSAGING_OPERATION_NAME} and {@link #MESSAGING_OPERATION_TYPE}. */
  public static final String MESSAGING_OPERATION_PROCESS = "process";

  /**
   * The value of {@link #MESSAGING_OPERATION_NAME} and {@link #MESSAGING_OPERATION_TYPE} on a
   * producer span: {@value}.
   */
  public static final String MESSAGING_OPERATION_SEND = "send";

  /**
   * The value of {@link #MESSAGING_OPERATION_NAME} and {@link #MESSAGING_OPERATION_TYPE} on the
   * span of a pull that delivered a message: {@value}.
   */
  public static final String MESSAGING_OPERATION_RECEIVE = "receive";

  /** {@code messaging.operation.type}: {@code process} on consumer spans. */
  public static final AttributeKey<String> MESSAGING_OPERATION_TYPE =
      stringKey("messaging.operation.type");

  /** {@code messaging.destination.name}: the channel's name, when it has one. */
  public static final AttributeKey<String> MESSAGING_DESTINATION_NAME =
      stringKey("messaging.destination.name");

  /**
   * {@code messaging.message.id}: the id a message was published with (in {@code shuttle-nats}, its
   * {@code Nats-Msg-Id}, which JetStream deduplicates on).
   */
  public static final AttributeKey<String> MESSAGING_MESSAGE_ID = stringKey("messaging.message.id");

  /** {@code pipeline.name}: the pipeline an item or stage span belongs to. */
  public static final AttributeKey<String> PIPELINE_NAME = stringKey("pipeline.name");

  /** {@code pipeline.stage}: the stage a stage span ran in. */
  public static final AttributeKey<String> PIPELINE_STAGE = stringKey("pipeline.stage");

  /** {@code pipeline.item.index}: the position of an item in the pipeline's input. */
  public static final AttributeKey<Long> PIPELINE_ITEM_INDEX = longKey("pipeline.item.index");

  /** {@code pipeline.item.outcome}: {@code completed}, {@code dropped} or {@code canceled}. */
  public static final AttributeKey<String> PIPELINE_ITEM_OUTCOME =
      stringKey("pipeline.item.outcome");

  /** {@code worker.index}: the worker (of a fan-out or a stage) that processed an item. */
  public static final AttributeKey<Long> WORKER_INDEX = longKey("worker.index");

  /**
   * Span name of an item's span in a pipeline, when the pipeline names it nothing else ({@code
   * PipelineBuilder.itemSpan}): {@code pipeline.item}.
   */
  public static final String SPAN_PIPELINE_ITEM = "pipeline.item";

  private ChannelAttributes() {}
}
