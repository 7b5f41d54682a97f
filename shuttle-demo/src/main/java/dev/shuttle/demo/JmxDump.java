package dev.shuttle.demo;

import dev.shuttle.inspect.GoroutinesMXBean;
import dev.shuttle.receiver.render.Untrusted;
import java.io.IOException;
import java.io.InvalidClassException;
import java.util.Map;
import javax.management.AttributeNotFoundException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Reads the {@code dev.shuttle:type=Goroutines} MBean ({@link
 * dev.shuttle.inspect.GoroutinesMXBean}) over a JMX connection. Its attributes are MXBean open
 * types, plain strings, so nothing but a {@code String} is accepted as the answer; {@link
 * AnswerFilter} keeps the RMI stream from building anything else on the way.
 *
 * <p>Thread-safety: stateless.
 */
final class JmxDump {
  /**
   * No connection-check thread: it would call the target outside the worker thread that {@link
   * AnswerFilter} guards, and the command closes the connection within seconds anyway.
   */
  private static final Map<String, Object> ENVIRONMENT =
      Map.of("jmx.remote.x.client.connection.check.period", 0L);

  private JmxDump() {}

  /**
   * Connects to the JMX agent at {@code address} and reads the dump. The address must be what a
   * local agent gives, an RMI stub in the URL itself ({@code
   * service:jmx:rmi://127.0.0.1/stub/...}): a JNDI address, which would make the connector look the
   * stub up in a directory the target chose, is refused.
   */
  @SuppressWarnings("BanJNDI") // a stub URL only, checked first: no JNDI lookup happens
  static String read(String address, boolean json, String target)
      throws GoroutinesFailure, IOException, JMException {
    JMXServiceURL url = stubAddress(address, target);
    try (JMXConnector connector = JMXConnectorFactory.connect(url, ENVIRONMENT)) {
      return read(connector.getMBeanServerConnection(), json, target);
    } catch (IOException e) {
      if (refused(e)) {
        throw new GoroutinesFailure(
            target
                + " sent an answer that is not a goroutine dump, and it was refused unread ("
                + DumpOutput.oneLine(e)
                + ")");
      }
      throw e;
    }
  }

  /** Reads the dump from {@code server}; {@code target} names it in messages. */
  static String read(MBeanServerConnection server, boolean json, String target)
      throws GoroutinesFailure, IOException, JMException {
    ObjectName name = objectName();
    String attribute = json ? "DumpJson" : "DumpText";
    Object value;
    try {
      if (!server.isRegistered(name)) {
        throw noMBean(target);
      }
      value = server.getAttribute(name, attribute);
    } catch (InstanceNotFoundException e) {
      throw noMBean(target);
    } catch (AttributeNotFoundException e) {
      throw new GoroutinesFailure(
          target
              + " runs a Shuttle whose goroutines MBean has no "
              + attribute
              + " attribute; use the shuttle command of the same version");
    }
    if (!(value instanceof String dump)) {
      throw new GoroutinesFailure(
          target
              + " answered with "
              + (value == null ? "null" : value.getClass().getName())
              + " where the dump should be text");
    }
    return dump;
  }

  private static JMXServiceURL stubAddress(String address, String target) throws GoroutinesFailure {
    try {
      JMXServiceURL url = new JMXServiceURL(address);
      if (url.getProtocol().equals("rmi") && url.getURLPath().startsWith("/stub/")) {
        return url;
      }
    } catch (IOException e) {
      // said below
    }
    throw new GoroutinesFailure(
        target
            + " gave a JMX address that is not a local agent's: "
            + Untrusted.escape(address, 120));
  }

  private static GoroutinesFailure noMBean(String target) {
    return new GoroutinesFailure(
        target
            + " has no Shuttle goroutines MBean ("
            + GoroutinesMXBean.OBJECT_NAME
            + "): it has started no Shuttle goroutine yet, or it does not run Shuttle (or runs one"
            + " older than this command)");
  }

  private static ObjectName objectName() {
    try {
      return new ObjectName(GoroutinesMXBean.OBJECT_NAME);
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean refused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidClassException) {
        return true;
      }
    }
    return false;
  }
}
