package dev.shuttle.pool;

import dev.shuttle.telemetry.PoolAttributes;

/** The {@link Pool} contract, run against {@link BoundedPool}, which has no queue. */
class BoundedPoolContractTest extends PoolContractTest {
  @Override
  Pool newPool(String name, int concurrency, int queueCapacity) {
    return BoundedPool.builder().name(name).maxConcurrency(concurrency).build();
  }

  @Override
  String defaultSpanName() {
    return PoolAttributes.SPAN_POOL_TASK;
  }

  @Override
  boolean queues() {
    return false;
  }
}
