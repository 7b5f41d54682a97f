package dev.shuttle.channel;

import static dev.shuttle.channel.TestThreads.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TimersTest {

  @Test
  void afterDeliversTheTimeOnce() throws Exception {
    Instant before = Instant.now();
    Channel<Instant> channel = Timers.after(Duration.ofMillis(10));
    Instant fired = channel.receive();
    assertThat(fired).isAfterOrEqualTo(before.plusMillis(10));
    assertThat(channel.cap()).isEqualTo(1);
    assertThat(channel.tryReceive()).isNull(); // once only
  }

  @Test
  void aStoppedTimerNeverFiresAndLeavesNothingScheduled() throws Exception {
    Timer timer = Timers.timer(Duration.ofMillis(30));
    assertThat(timer.stop()).isTrue();
    assertThat(timer.stop()).isFalse();
    String outcome =
        Select.select(
            timer.channel().onReceive(t -> "fired"),
            Timers.after(Duration.ofMillis(60)).onReceive(t -> "not fired"));
    assertThat(outcome).isEqualTo("not fired");
    awaitTrue(() -> TimerScheduler.pending() == 0);
  }

  @Test
  void aTickerTicksUntilStoppedAndDropsTicksForASlowReceiver() throws Exception {
    try (Ticker ticker = Timers.ticker(Duration.ofMillis(5))) {
      for (int i = 0; i < 3; i++) {
        ticker.channel().receive();
      }
      Thread.sleep(40); // about eight periods pass without a receiver
      assertThat(ticker.channel().len()).isEqualTo(1);
    }
    awaitTrue(() -> TimerScheduler.pending() == 0);
  }

  @Test
  void theSchedulerThreadExitsWhenIdle() throws Exception {
    Timers.after(Duration.ofMillis(1)).receive();
    awaitTrue(
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("shuttle-channel-timer")));
  }

  @Test
  void rejectsBadDurations() {
    assertThatThrownBy(() -> Timers.after(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay must not be negative");
    assertThatThrownBy(() -> Timers.ticker(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("period must be positive");
  }
}
