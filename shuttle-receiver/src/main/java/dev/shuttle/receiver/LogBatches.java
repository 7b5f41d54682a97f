package dev.shuttle.receiver;

import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link BatchKind} of log batches: items and elements are log records.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
enum LogBatches implements BatchKind<ResourceLogs> {
  /** The only instance. */
  INSTANCE;

  @Override
  public int items(ResourceLogs batch) {
    return SizeEstimator.logRecords(batch);
  }

  @Override
  public int elements(ResourceLogs batch) {
    return items(batch);
  }

  @Override
  public long bytes(ResourceLogs batch) {
    return SizeEstimator.resourceLogs(batch);
  }

  @Override
  public ResourceLogs dropFirst(ResourceLogs batch, int drop) {
    List<ScopeLogs> scopes = new ArrayList<>();
    BatchKind.dropFront(
        batch.getScopeLogsList(), drop, ScopeLogs::getLogRecordsCount, LogBatches::drop, scopes);
    return batch.toBuilder().clearScopeLogs().addAllScopeLogs(scopes).build();
  }

  private static ScopeLogs drop(ScopeLogs scope, int drop) {
    var records = scope.getLogRecordsList();
    return scope.toBuilder()
        .clearLogRecords()
        .addAllLogRecords(records.subList(drop, records.size()))
        .build();
  }
}
