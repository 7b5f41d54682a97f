package dev.shuttle.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.context.Context;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad settings fail at once with one line saying what was wrong; good ones bind idempotently. */
@Timeout(60)
class NatsWorkerPoolBuilderTest {
  private static PoolFixture nats;

  @BeforeAll
  static void startServer() throws Exception {
    nats = PoolFixture.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (nats != null) {
      nats.close();
    }
  }

  private static NatsWorkerPoolBuilder<String, String> builder(String name) {
    return NatsWorkerPool.builder(nats.connection, name, Codec.utf8(), Codec.utf8());
  }

  @Test
  void aNameMustBeLettersDigitsDashesOrUnderscores() {
    for (String bad : new String[] {"", "a.b", "a b", "jobs>", "x".repeat(65), "é"}) {
      assertThatThrownBy(() -> builder(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "a pool name must be 1 to 64 letters, digits, '-' or '_' (it names streams and subjects)");
    }
    assertThat(builder("Ok_name-1")).isNotNull();
    assertThat(builder("x".repeat(64))).isNotNull();
  }

  @Test
  void eachSettingIsCheckedWhenItIsSet() {
    assertThatThrownBy(() -> builder("p").capacity(0))
        .hasMessage("capacity must be at least 1, but was 0");
    assertThatThrownBy(() -> builder("p").maxAttempts(0))
        .hasMessage("maxAttempts must be at least 1, but was 0");
    assertThatThrownBy(() -> builder("p").backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessage("the first backoff must be positive, but was PT0S");
    assertThatThrownBy(() -> builder("p").backoff(Duration.ofSeconds(1), Duration.ofMillis(10)))
        .hasMessage("the maximum backoff must be at least the first (PT1S), but was PT0.01S");
    assertThatThrownBy(() -> builder("p").ackWait(Duration.ofMillis(10)))
        .hasMessage("ackWait must be at least 100 ms, but was PT0.01S");
    assertThatThrownBy(() -> builder("p").capacity(5).capacity(6))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("capacity was already set to 5");
    assertThatThrownBy(() -> builder("p").spanRelation(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("relation");
  }

  @Test
  void badArgumentsToThePoolSayWhatWasWrong() throws Exception {
    NatsWorkerPool<String, String> pool = builder("args").build();

    assertThatThrownBy(() -> pool.startWorkers(0, (ctx, job) -> job))
        .hasMessage("concurrency must be at least 1, but was 0");
    assertThatThrownBy(() -> pool.submit(Context.root(), "x", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a job id is 1 to 256 printable ASCII characters, not blank, but was \" \"");
    assertThatThrownBy(() -> pool.submit(Context.root(), "x", "naïve"))
        .hasMessage(
            "a job id is 1 to 256 printable ASCII characters, not blank, but was \"na?ve\"");
    assertThat(nats.stored("shuttle-pool-args")).isZero();
  }

  @Test
  void buildingTwiceBindsToTheSameStreamsButADifferentCapacityIsRefused() throws Exception {
    NatsWorkerPool<String, String> first = builder("shared").capacity(7).build();
    NatsWorkerPool<String, String> second = builder("shared").capacity(7).build();
    first.submit(Context.root(), "a", "same-id");
    assertThat(second.submit(Context.root(), "a", "same-id").duplicate()).isTrue();

    assertThatThrownBy(() -> builder("shared").capacity(8).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "the stream shuttle-pool-shared exists with capacity 7, not 8: build every process's"
                + " pool with the same settings, or delete the stream");
    first.close();
    assertThatThrownBy(() -> first.submit(Context.root(), "b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the pool was closed");
  }
}
