package dev.shuttle.receiver;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one Shuttle process reported running in its last complete export round of the live view (see
 * {@code docs/live-view.md}): its identity, the round, and the goroutines.
 *
 * <p>Strings came over the network, cut but not escaped (see {@link RunningGoroutine}).
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * @param key the process's identity in the receiver: its {@code service.name} and {@code
 *     service.instance.id}, or all its resource attributes when it has no service name
 * @param serviceName the resource's {@code service.name}, or {@code unknown_service}
 * @param instanceId the resource's {@code service.instance.id}, or empty
 * @param resource up to {@link LiveRecords#MAX_RESOURCE_ATTRIBUTES} resource attributes as text
 * @param round the round's number ({@code shuttle.goroutines.round})
 * @param timeUnixNanos the round's time, by the sender's clock
 * @param receivedUnixMillis when the round's closing record arrived, by the receiver's clock
 * @param intervalMillis the time between the process's rounds ({@code
 *     shuttle.goroutines.interval_ms})
 * @param expectedCount how many goroutines the round reported ({@code shuttle.goroutines.count})
 * @param blockedCount how many of those were blocked ({@code shuttle.goroutines.blocked})
 * @param complete whether every goroutine of the round arrived and was kept
 * @param goroutines the goroutines that arrived, in arrival order
 */
public record RunningProcess(
    String key,
    String serviceName,
    String instanceId,
    Map<String, String> resource,
    long round,
    long timeUnixNanos,
    long receivedUnixMillis,
    long intervalMillis,
    int expectedCount,
    int blockedCount,
    boolean complete,
    List<RunningGoroutine> goroutines) {

  /** Checks that no component is null, and copies the collections. */
  public RunningProcess {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(instanceId, "instanceId");
    resource = Map.copyOf(Objects.requireNonNull(resource, "resource"));
    goroutines = List.copyOf(Objects.requireNonNull(goroutines, "goroutines"));
  }

  /**
   * Returns this round with other goroutines, for a view that leaves some out; the counts stay
   * those the process reported.
   *
   * @param shown the goroutines to keep
   * @return the process with {@code shown}
   */
  public RunningProcess withGoroutines(List<RunningGoroutine> shown) {
    return new RunningProcess(
        key,
        serviceName,
        instanceId,
        resource,
        round,
        timeUnixNanos,
        receivedUnixMillis,
        intervalMillis,
        expectedCount,
        blockedCount,
        complete,
        shown);
  }
}
