package dev.shuttle.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A receiver with the default settings in a child JVM with a small heap, under the loads of issue
 * 10 and ADR 0007, driven by {@link LoadDriver} over loopback. The first test runs in every build
 * (about ten seconds); the {@code stress} ones with {@code mvn -Pstress -pl shuttle-receiver
 * verify}.
 */
class HttpReceiverLoadTest {
  /**
   * The child's class path: this JVM's class path and module path. Surefire runs these tests inside
   * the module dev.shuttle.receiver, whose classes and dependencies are on the module path; the
   * child needs them all and runs them on its class path.
   */
  private static final String CLASSPATH =
      System.getProperty("java.class.path")
          + File.pathSeparator
          + System.getProperty("jdk.module.path", "");

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aHundredConcurrent10MiBExportsOnA256MbHeapAreEachAcceptedOrRetryable() throws Exception {
    // given a receiver in a JVM with a 256 MB heap, and a 10 MiB export of 40,000 spans
    byte[] body = LoadDriver.traces(40_000, 10 << 20);
    try (LoadDriver child = LoadDriver.start(CLASSPATH, LoadChild.class.getName(), "256m")) {

      // when 100 clients send it at once
      LoadDriver.LargeExports result = child.largeExports(100, body, Duration.ofMinutes(2), false);

      // then each gets 200 or a retryable 503 with Retry-After, none hangs, and it still serves
      assertThat(result.ok()).as(result.toString()).isPositive();
      assertThat(result.ok() + result.retryableStatuses()).as(result.toString()).isEqualTo(100);
      assertThat(result.withRetryAfter())
          .as(result.toString())
          .isEqualTo(result.retryableStatuses());
      assertThat(result.connectionErrors() + result.timeouts()).as(result.toString()).isZero();
      assertThat(result.stillServes()).as(result.toString()).isTrue();
      assertThat(child.stderrLines("OutOfMemoryError")).isZero();
    }
  }

  @Test
  @Tag("stress")
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void aHundredConcurrent10MiBExportsAreAllDeliveredWhenClientsRetry() throws Exception {
    byte[] body = LoadDriver.traces(40_000, 10 << 20);
    try (LoadDriver child = LoadDriver.start(CLASSPATH, LoadChild.class.getName(), "256m")) {

      LoadDriver.LargeExports result = child.largeExports(100, body, Duration.ofMinutes(3), true);

      assertThat(result.deliveredWithRetries()).as(result.toString()).isEqualTo(100);
      assertThat(result.stillServes()).as(result.toString()).isTrue();
      assertThat(child.stderrLines("OutOfMemoryError")).isZero();
    }
  }

  @Test
  @Tag("stress")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aBurstOfAThousandSmallExportsOnFreshConnectionsIsServed() throws Exception {
    try (LoadDriver child = LoadDriver.start(CLASSPATH, LoadChild.class.getName(), "256m")) {
      child.burst(200); // warm up

      LoadDriver.Latencies burst = child.burst(1000);

      assertThat(burst.failures()).as(burst.toString()).isZero();
    }
  }

  @Test
  @Tag("stress")
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void twoHundredClientsSendingAByteASecondAreClosed() throws Exception {
    try (LoadDriver child = LoadDriver.start(CLASSPATH, LoadChild.class.getName(), "256m")) {
      LoadDriver.SlowClients heads = child.slowClients(200, false, Duration.ofSeconds(60));
      LoadDriver.SlowClients bodies = child.slowClients(200, true, Duration.ofSeconds(60));

      // the header timeout is 10 s; the body rate is checked after 5 s
      assertThat(heads.closedAfterSeconds()).as(heads.toString()).allMatch(s -> s >= 9 && s <= 20);
      assertThat(bodies.closedAfterSeconds())
          .as(bodies.toString())
          .allMatch(s -> s >= 4 && s <= 20);
      assertThat(heads.servingMillis()).isNotNegative();
      assertThat(bodies.servingMillis()).isNotNegative();
    }
  }
}
