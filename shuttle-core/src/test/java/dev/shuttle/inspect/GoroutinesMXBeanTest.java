package dev.shuttle.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shuttle.Go;
import dev.shuttle.channel.Channel;
import dev.shuttle.testing.Waits;
import java.lang.management.ManagementFactory;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dump over JMX, as {@code shuttle goroutines <pid>} reads it. */
@Timeout(30)
class GoroutinesMXBeanTest {
  @Test
  void servesTheDumpOnceAGoroutineHasStarted() throws Exception {
    Channel<String> parked = Channel.builder().name("parked-for-jmx").build();
    Go.go(parked::receive);
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName(GoroutinesMXBean.OBJECT_NAME);
    Waits.until(() -> server.isRegistered(name));
    GoroutinesMXBean bean = JMX.newMXBeanProxy(server, name, GoroutinesMXBean.class);

    Waits.until(() -> bean.getDumpText().contains("chan receive on parked-for-jmx"));
    assertThat(bean.getDumpJson()).contains("\"description\":\"chan receive on parked-for-jmx");
    assertThat(bean.getCount()).isPositive();

    parked.send("done");
  }
}
