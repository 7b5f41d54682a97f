package dev.shuttle.demo;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.management.JMException;
import org.jspecify.annotations.Nullable;

/**
 * Attaches to another JVM through the JDK attach API and has it start its local JMX agent, as
 * jcmd's {@code ManagementAgent.start_local} and jconsole do; the only class that touches {@code
 * jdk.attach}, so that the command can say so when a runtime lacks the module.
 *
 * <p>Thread-safety: stateless, but {@link #readDump} sets the JVM-wide system property {@value
 * #ATTACH_TIMEOUT} for the duration of the attach, so calls must not overlap.
 */
final class JvmAttach {
  /** The JDK's own bound on waiting for a target to start its attach listener, in ms. */
  static final String ATTACH_TIMEOUT = "sun.tools.attach.attachTimeout";

  private static final long SIGQUIT_BIT = 1L << (3 - 1);

  private JvmAttach() {}

  /** Attaches to {@code pid}, starts its local JMX agent and reads the dump through it. */
  static String readDump(long pid, String command, boolean json, Duration timeout)
      throws GoroutinesFailure, IOException, JMException {
    String id = Long.toString(pid);
    boolean listed = VirtualMachine.list().stream().anyMatch(d -> d.id().equals(id));
    if (!listed && !catchesSigquit(pid)) {
      throw notAJvm(pid, command, null);
    }
    VirtualMachine vm = attach(id, command, timeout);
    String address;
    try {
      address = vm.startLocalManagementAgent();
    } catch (IOException e) {
      throw new GoroutinesFailure(
          "JVM " + pid + " could not start its local JMX agent: " + DumpOutput.oneLine(e));
    } finally {
      vm.detach();
    }
    return JmxDump.read(address, json, "JVM " + pid);
  }

  private static VirtualMachine attach(String id, String command, Duration timeout)
      throws GoroutinesFailure {
    String before = System.getProperty(ATTACH_TIMEOUT);
    if (before == null) {
      // longer than the command's own deadline, which then says that the target did not answer
      System.setProperty(ATTACH_TIMEOUT, Long.toString(timeout.toMillis() + 1000));
    }
    try {
      return VirtualMachine.attach(id);
    } catch (AttachNotSupportedException e) {
      throw notAJvm(Long.parseLong(id), command, e);
    } catch (IOException e) {
      throw new GoroutinesFailure(
          "cannot attach to process " + id + " (" + command + "): " + DumpOutput.oneLine(e));
    } finally {
      if (before == null) {
        System.clearProperty(ATTACH_TIMEOUT);
      }
    }
  }

  private static GoroutinesFailure notAJvm(long pid, String command, @Nullable Exception e) {
    return new GoroutinesFailure(
        "cannot attach to process "
            + pid
            + " ("
            + command
            + "): it is not a JVM, or one that refuses attaching (-XX:+DisableAttachMechanism,"
            + " -Xrs) or runs in another container"
            + (e == null ? "" : " (" + DumpOutput.oneLine(e) + ")"));
  }

  /**
   * Whether the process catches SIGQUIT, which a HotSpot JVM does to start its attach listener; on
   * a system without {@code /proc} the answer is yes, and the attach itself decides. The JDK checks
   * the same before it sends the signal, but then waits for its whole attach timeout.
   */
  private static boolean catchesSigquit(long pid) {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    try {
      List<String> lines = Files.readAllLines(status);
      for (String line : lines) {
        if (line.startsWith("SigCgt:")) {
          String mask = line.substring("SigCgt:".length()).strip();
          String low = mask.substring(Math.max(0, mask.length() - 16));
          return (Long.parseUnsignedLong(low, 16) & SIGQUIT_BIT) != 0;
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }
}
