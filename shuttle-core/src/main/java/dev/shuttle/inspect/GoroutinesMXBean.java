package dev.shuttle.inspect;

/**
 * The goroutine dump over JMX, registered as {@value #OBJECT_NAME} in the platform MBean server
 * once the first Shuttle goroutine starts; {@code shuttle goroutines <pid>} reads it through the
 * JDK attach API, as {@code jcmd} does, with no flag in the target.
 */
public interface GoroutinesMXBean {
  /** The JMX name under which Shuttle registers its goroutine MXBean. */
  String OBJECT_NAME = "dev.shuttle:type=Goroutines";

  /**
   * The dump as text ({@link GoroutineDump#toText()}).
   *
   * @return a snapshot taken for this call, as text
   */
  String getDumpText();

  /**
   * The dump as JSON ({@link GoroutineDump#toJson()}).
   *
   * @return a snapshot taken for this call, as JSON
   */
  String getDumpJson();

  /**
   * The number of live goroutines.
   *
   * @return how many goroutines the registry holds now
   */
  int getCount();
}
