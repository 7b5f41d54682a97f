package dev.shuttle.pool;

import dev.shuttle.telemetry.PoolAttributes;

/** The {@link Pool} contract, run against {@link DynamicWorkerPool} growing from one worker. */
class DynamicWorkerPoolContractTest extends PoolContractTest {
  @Override
  Pool newPool(String name, int concurrency, int queueCapacity) {
    return DynamicWorkerPool.builder()
        .name(name)
        .minWorkers(1)
        .maxWorkers(concurrency)
        .queueCapacity(queueCapacity)
        .growThreshold(0)
        .build();
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
