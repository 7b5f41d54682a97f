package dev.shuttle.pool;

import dev.shuttle.telemetry.PoolAttributes;

/** The {@link Pool} contract, run against {@link WorkerPool}. */
class WorkerPoolContractTest extends PoolContractTest {
  @Override
  Pool newPool(String name, int concurrency, int queueCapacity) {
    return WorkerPool.builder().name(name).size(concurrency).queueCapacity(queueCapacity).build();
  }

  @Override
  String defaultSpanName() {
    return PoolAttributes.SPAN_PROCESS_JOB;
  }

  @Override
  boolean queues() {
    return true;
  }
}
