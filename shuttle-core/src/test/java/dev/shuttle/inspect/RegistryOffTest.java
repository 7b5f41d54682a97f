package dev.shuttle.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.Go;
import dev.shuttle.Goroutines;
import dev.shuttle.channel.Channel;
import dev.shuttle.channel.Select;
import dev.shuttle.sync.ErrGroup;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With {@code -Dshuttle.goroutines.registry=false} nothing is recorded and everything still works.
 * Runs in a JVM of its own (the surefire execution {@code registry-off}).
 */
@Tag("registry-off")
@Timeout(30)
class RegistryOffTest {
  @Test
  void recordsNothingAndChannelsGroupsAndSelectStillWork() throws Exception {
    assertThat(Goroutines.registryEnabled()).isFalse();
    Channel<Integer> numbers = Channel.builder().name("numbers").build();
    Channel<Integer> never = Channel.rendezvous();
    AtomicInteger sum = new AtomicInteger();
    ErrGroup group = ErrGroup.withContext(Context.current());
    group.go(
        () -> {
          for (int i = 1; i <= 100; i++) {
            numbers.send(i);
          }
          numbers.close();
        });
    group.go(
        () -> {
          for (int n : numbers) {
            sum.addAndGet(n);
          }
        });
    Go.go(never::receive);

    group.await();
    assertThat(sum).hasValue(5050);
    assertThat(Goroutines.snapshot().goroutines()).isEmpty();
    never.send(1);
    assertThat(Select.select(never.onSend(2, () -> "sent"), Select.defaultCase(() -> "none")))
        .isEqualTo("none");
  }
}
