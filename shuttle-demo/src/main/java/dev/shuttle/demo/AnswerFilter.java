package dev.shuttle.demo;

import java.io.ObjectInputFilter;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The deserialisation filter for what another JVM sends {@code shuttle goroutines}: the JMX
 * connection runs over RMI, which deserialises every answer, and the target may be hostile. While
 * the thread that talks to the target runs (inside {@link #during}), only what reading the MBean
 * needs is accepted: the RMI stubs of the JMX connector, boxed primitives, and JDK exceptions (the
 * target's answer to a failed call) with their stack traces; every stream is also bounded in bytes,
 * depth, references and array length. The MBean's attributes are strings, which are not objects the
 * filter sees beyond those bounds.
 *
 * <p>A filter can only be set JVM-wide ({@link ObjectInputFilter.Config#setSerialFilter}, once), so
 * this one answers {@link Status#UNDECIDED} on every other thread: there it changes nothing.
 *
 * <p>Implementation note: the flag that selects the strict rules is a thread-local set and cleared
 * by {@link #during} on the worker thread; RMI reads a call's answer on the calling thread, and the
 * connector's own background thread (the connection check) is turned off by {@link JmxDump}. RMI's
 * distributed garbage collector reads its leases on its own threads under its own filter.
 */
final class AnswerFilter implements ObjectInputFilter {
  /** The largest answer accepted: a dump of some hundred thousand goroutines. */
  static final long MAX_BYTES = 64L << 20;

  private static final long MAX_DEPTH = 20;
  private static final long MAX_REFERENCES = 100_000;
  private static final long MAX_ARRAY_LENGTH = 100_000;

  private static final AnswerFilter INSTANCE = new AnswerFilter();
  private static final ThreadLocal<Boolean> ACTIVE = ThreadLocal.withInitial(() -> false);

  private static final Set<String> ALLOWED =
      Set.of(
          "java.lang.Boolean",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Number",
          "java.lang.StackTraceElement",
          "java.util.ArrayList",
          "java.util.Collections$EmptyList",
          "java.rmi.server.RemoteObject",
          "java.rmi.server.RemoteStub",
          "javax.management.remote.rmi.RMIServerImpl_Stub",
          "javax.management.remote.rmi.RMIConnectionImpl_Stub");

  private AnswerFilter() {}

  /**
   * Makes this the JVM-wide filter, unless it already is.
   *
   * @throws GoroutinesFailure if another JVM-wide filter was set (by {@code -Djdk.serialFilter})
   */
  static void install() throws GoroutinesFailure {
    synchronized (AnswerFilter.class) {
      if (ObjectInputFilter.Config.getSerialFilter() == INSTANCE) {
        return;
      }
      try {
        ObjectInputFilter.Config.setSerialFilter(INSTANCE);
      } catch (IllegalStateException e) {
        throw new GoroutinesFailure(
            "a JVM-wide deserialisation filter is already set (jdk.serialFilter); shuttle"
                + " goroutines sets its own to read another JVM's answer safely: drop it");
      }
    }
  }

  /** Runs {@code work} on this thread with the strict rules on. */
  static <T> T during(Callable<T> work) throws Exception {
    ACTIVE.set(true);
    try {
      return work.call();
    } finally {
      ACTIVE.remove();
    }
  }

  @Override
  public Status checkInput(FilterInfo info) {
    if (!ACTIVE.get()) {
      return Status.UNDECIDED;
    }
    if (info.depth() > MAX_DEPTH
        || info.references() > MAX_REFERENCES
        || info.streamBytes() > MAX_BYTES
        || info.arrayLength() > MAX_ARRAY_LENGTH) {
      return Status.REJECTED;
    }
    Class<?> type = info.serialClass();
    if (type == null) {
      return Status.UNDECIDED; // a bounds check only; the bounds hold
    }
    while (type.isArray()) {
      type = type.getComponentType();
    }
    return allowed(type) ? Status.ALLOWED : Status.REJECTED;
  }

  private static boolean allowed(Class<?> type) {
    if (type.isPrimitive()) {
      return true;
    }
    if (!fromTheJdk(type)) {
      return false;
    }
    return ALLOWED.contains(type.getName()) || Throwable.class.isAssignableFrom(type);
  }

  private static boolean fromTheJdk(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    return loader == null || loader.equals(ClassLoader.getPlatformClassLoader());
  }
}
