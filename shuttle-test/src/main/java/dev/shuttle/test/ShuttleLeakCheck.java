package dev.shuttle.test;

import java.lang.annotation.Annotation;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * A JUnit Jupiter extension that fails a test which leaves behind Shuttle goroutines (pool workers
 * included) or Shuttle spans it did not end, and prints a goroutine dump of what leaked.
 *
 * <p>Before each test it notes the live goroutines ({@link dev.shuttle.Goroutines#snapshot}) and
 * the spans started so far; after the test (and its {@code @AfterEach} methods) it waits up to a
 * grace period for the goroutines that appeared during the test to end ({@link
 * dev.shuttle.Goroutines#awaitEnd}) and for the Shuttle spans that started during the test to end,
 * then fails the test with the ones left. Goroutines alive before the test (started by earlier
 * tests or in {@code @BeforeAll}) are never blamed on it. Spans are seen only through an {@link
 * #spanProcessor()} added to the SDK the test uses.
 *
 * <p>Use it with {@code @ExtendWith(ShuttleLeakCheck.class)}, or for every test by auto-detection:
 * {@code junit.jupiter.extensions.autodetection.enabled=true} in {@code junit-platform.properties}
 * (the jar registers it as a service). The grace is 2 s by default; set it with the configuration
 * parameter {@value #GRACE_PARAMETER} ({@code 500ms}, {@code 5s}, {@code PT1M}) or {@link Grace} on
 * a class or test. Opt out with {@link Allow}.
 *
 * <p>The check assumes the tests of one JVM run one at a time: with parallel execution, goroutines
 * and spans of tests running at the same moment would be blamed on each other.
 *
 * <p>Instances keep no state of their own (each test's baseline is in its {@link
 * ExtensionContext.Store}) and are thread-safe.
 */
public final class ShuttleLeakCheck implements BeforeEachCallback, AfterEachCallback {
  /** The configuration parameter that sets the grace period, as {@code 2s} or {@code 500ms}. */
  public static final String GRACE_PARAMETER = "shuttle.leakcheck.grace";

  /** The grace period when neither {@link Grace} nor {@value #GRACE_PARAMETER} sets one. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

  private static final Namespace NAMESPACE = Namespace.create(ShuttleLeakCheck.class);
  private static final String BASELINE = "baseline";

  /** Creates the extension; JUnit does, for {@code @ExtendWith} and auto-detection. */
  public ShuttleLeakCheck() {}

  /**
   * Returns a span processor to add to every OpenTelemetry SDK a test builds for Shuttle, so that
   * the check sees Shuttle spans that were started and not ended.
   *
   * @return a new processor that reports to the check
   */
  public static OpenSpanTracker spanProcessor() {
    return new OpenSpanTracker();
  }

  /**
   * Turns the check off for a test, or for every test of a class (and its {@code @Nested} classes),
   * that leaves goroutines or spans behind on purpose.
   */
  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @Documented
  @Inherited
  public @interface Allow {
    /**
     * Why the test may leave goroutines or spans behind.
     *
     * @return the reason, for whoever reads the test
     */
    String value();
  }

  /**
   * Sets the grace period of a test, or of every test of a class: how long the check waits for
   * goroutines and spans to end, as {@code 500ms}, {@code 5s}, {@code 1m} or ISO-8601 ({@code
   * PT5S}). The nearest annotation wins over the configuration parameter {@value
   * ShuttleLeakCheck#GRACE_PARAMETER}.
   */
  @Target({ElementType.TYPE, ElementType.METHOD})
  @Retention(RetentionPolicy.RUNTIME)
  @Documented
  @Inherited
  public @interface Grace {
    /**
     * The grace period.
     *
     * @return the duration, as {@code 500ms}, {@code 5s}, {@code 1m} or {@code PT5S}
     */
    String value();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (nearest(context, Allow.class) == null) {
      context.getStore(NAMESPACE).put(BASELINE, Leaks.baseline());
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    Leaks.Baseline baseline = context.getStore(NAMESPACE).remove(BASELINE, Leaks.Baseline.class);
    if (baseline == null) {
      return;
    }
    Duration grace = grace(context);
    Leaks leaks = Leaks.find(baseline, grace);
    if (!leaks.isEmpty()) {
      throw new AssertionError(leaks.report(grace));
    }
  }

  private static Duration grace(ExtensionContext context) {
    Grace annotation = nearest(context, Grace.class);
    if (annotation != null) {
      return Graces.parse(annotation.value(), "@ShuttleLeakCheck.Grace");
    }
    return context
        .getConfigurationParameter(GRACE_PARAMETER)
        .map(value -> Graces.parse(value, GRACE_PARAMETER))
        .orElse(DEFAULT_GRACE);
  }

  /** The annotation on the test method or, failing that, on the nearest class around it. */
  private static <A extends Annotation> @Nullable A nearest(
      ExtensionContext context, Class<A> type) {
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      Optional<A> found = c.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, type));
      if (found.isPresent()) {
        return found.get();
      }
    }
    return null;
  }
}
