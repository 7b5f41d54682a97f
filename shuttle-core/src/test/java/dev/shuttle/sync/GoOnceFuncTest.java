package dev.shuttle.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Go's tests of {@code sync.OnceFunc}, {@code sync.OnceValue}, {@code sync.OnceValues} and {@code
 * sync.Once}, ported to {@link Once}.
 *
 * <p>Sources: golang/go {@code src/sync/oncefunc_test.go} at commit {@code
 * bda01100c6d48d1b0ca3e1baefef4d592cca1fee} (the Go 1.24+ form, with {@code runtime.AddCleanup}),
 * and golang/go {@code src/sync/once_test.go} at commit {@code
 * 6259bad189be6515ba7d68903a07b66e4e5e952e}.
 *
 * <p>A Go panic is a Java exception. Go re-panics with the <em>same value</em> on every call, so
 * each panic test is run with every kind of {@link Throwable} a body can throw — unchecked, {@link
 * Error}, a checked exception thrown sneakily (as Kotlin lambdas do), and a raw {@code Throwable}
 * that is neither — and checks identity, not just type.
 *
 * <p>Not ported:
 *
 * <ul>
 *   <li>The allocation counts in {@code TestOnceFunc}, {@code TestOnceValue}, {@code
 *       TestOnceValues} ({@code testing.AllocsPerRun}): Go runtime specifics; the call counts and
 *       values are ported.
 *   <li>{@code TestOnceFuncGoexit}: Java has no {@code runtime.Goexit}; a thread cannot leave a
 *       function except by returning or throwing, and throwing is covered by the panic tests.
 *   <li>The benchmarks: benchmarks live in {@code shuttle-bench}.
 *   <li>The part of {@code TestOncePanic} where a second {@code Once.Do} after a panic returns
 *       normally: that is {@code sync.Once.Do}, which Shuttle does not have. Shuttle's {@link Once}
 *       follows {@code OnceFunc}, which re-panics on every call; the port checks that instead, and
 *       that the body ran once.
 * </ul>
 */
@Timeout(20)
class GoOnceFuncTest {

  @Test
  void testOnceFunc() {
    // given
    AtomicInteger calls = new AtomicInteger();
    Runnable f = Once.func(calls::incrementAndGet);

    // when
    for (int i = 0; i < 10; i++) {
      f.run();
    }

    // then
    assertThat(calls).hasValue(1);
  }

  @Test
  void testOnceValue() {
    // given
    AtomicInteger calls = new AtomicInteger();
    Supplier<Integer> f = Once.value(calls::incrementAndGet);

    // when
    for (int i = 0; i < 10; i++) {
      assertThat(f.get()).isEqualTo(1);
    }
    int value = f.get();

    // then
    assertThat(calls).hasValue(1);
    assertThat(value).isEqualTo(1);
  }

  /** Go's two results; Java returns one value, so the pair is a record. */
  private record Two(int v1, int v2) {}

  @Test
  void testOnceValues() throws Exception {
    // given
    AtomicInteger calls = new AtomicInteger();
    Callable<Two> f =
        Once.values(
            () -> {
              int n = calls.incrementAndGet();
              return new Two(n, n + 1);
            });

    // when
    for (int i = 0; i < 10; i++) {
      f.call();
    }
    Two values = f.call();

    // then
    assertThat(calls).hasValue(1);
    assertThat(values).isEqualTo(new Two(1, 2));
  }

  /** A {@link Throwable} that is neither an {@link Exception} nor an {@link Error}. */
  static final class RawThrowable extends Throwable {
    private static final long serialVersionUID = 1L;

    RawThrowable(String message) {
      super(message);
    }
  }

  /** Go's {@code panic("x")}, once per kind of Java throwable; a fresh instance per test. */
  static Stream<Named<Supplier<Throwable>>> panicValues() {
    return Stream.of(
        Named.of("unchecked", () -> new IllegalStateException("x")),
        Named.of("error", () -> new AssertionError("x")),
        Named.of("checked, thrown sneakily", () -> new java.io.IOException("x")),
        Named.of("raw Throwable", () -> new RawThrowable("x")));
  }

  /** Throws {@code t} whatever its type, as code compiled from Kotlin or Scala can. */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }

  /**
   * Go's {@code testOncePanicWith}: each of two calls to {@code f} throws, the body ran once, and
   * {@code check} accepts what was thrown.
   */
  private static void testOncePanicWith(
      AtomicInteger calls, Callable<?> f, java.util.function.Consumer<Throwable> check) {
    for (String label : List.of("first time", "second time")) {
      Throwable thrown = catchThrowable(f::call);
      assertThat(thrown).as("%s: f did not throw", label).isNotNull();
      check.accept(thrown);
    }
    assertThat(calls).hasValue(1);
  }

  /** Go's {@code testOncePanicX}: every call throws the very same {@code x}. */
  private static void testOncePanicX(AtomicInteger calls, Callable<?> f, Throwable x) {
    testOncePanicWith(calls, f, thrown -> assertThat(thrown).isSameAs(x));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("panicValues")
  void testOnceFuncPanic(Supplier<Throwable> panicValue) {
    // given
    AtomicInteger calls = new AtomicInteger();
    Throwable x = panicValue.get();
    Runnable f =
        Once.func(
            () -> {
              calls.incrementAndGet();
              GoOnceFuncTest.<RuntimeException>sneakyThrow(x);
            });

    // then
    testOncePanicX(
        calls,
        () -> {
          f.run();
          return null;
        },
        x);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("panicValues")
  void testOnceValuePanic(Supplier<Throwable> panicValue) {
    // given
    AtomicInteger calls = new AtomicInteger();
    Throwable x = panicValue.get();
    Supplier<Integer> f =
        Once.value(
            () -> {
              calls.incrementAndGet();
              GoOnceFuncTest.<RuntimeException>sneakyThrow(x);
              return 1;
            });

    // then
    testOncePanicX(calls, f::get, x);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("panicValues")
  void testOnceValuesPanic(Supplier<Throwable> panicValue) {
    // given
    AtomicInteger calls = new AtomicInteger();
    Throwable x = panicValue.get();
    Callable<Two> f =
        Once.values(
            () -> {
              calls.incrementAndGet();
              GoOnceFuncTest.<RuntimeException>sneakyThrow(x);
              return new Two(1, 2);
            });

    // then
    testOncePanicX(calls, f, x);
  }

  /**
   * Go's {@code panic(nil)} becomes a {@code *runtime.PanicNilError}; Java's {@code throw null}
   * becomes a {@link NullPointerException}. Either way every call throws the same one.
   */
  @Test
  @SuppressWarnings("ThrowNull") // Go's panic(nil) is the scenario under test
  void testOnceFuncPanicNil() {
    // given
    AtomicInteger calls = new AtomicInteger();
    Runnable f =
        Once.func(
            () -> {
              calls.incrementAndGet();
              throw null;
            });
    List<Throwable> thrown = new ArrayList<>();

    // then
    testOncePanicWith(
        calls,
        () -> {
          f.run();
          return null;
        },
        t -> {
          assertThat(t).isInstanceOf(NullPointerException.class);
          thrown.add(t);
        });
    assertThat(thrown.get(1)).isSameAs(thrown.get(0));
  }

  @Test
  void testOnceFuncPanicTraceback() {
    // given
    Runnable f = Once.func(GoOnceFuncTest::onceFuncPanic);

    // when
    Throwable thrown = catchThrowable(f::run);

    // then: the trace of the first call goes all the way to where the body threw
    assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("x");
    assertThat(Arrays.stream(thrown.getStackTrace()))
        .anyMatch(
            frame ->
                frame.getClassName().equals(GoOnceFuncTest.class.getName())
                    && frame.getMethodName().equals("onceFuncPanic"));
  }

  private static void onceFuncPanic() {
    throw new IllegalStateException("x");
  }

  /** Go's {@code fns} table: each makes a once-function whose body writes to {@code buf}. */
  static Stream<Arguments> onceXGCCases() {
    Map<String, Function<byte[], Runnable>> fns =
        Map.of(
            "OnceFunc",
            buf -> Once.func(() -> buf[0] = 1),
            "OnceValue",
            buf -> {
              Supplier<Object> f =
                  Once.value(
                      () -> {
                        buf[0] = 1;
                        return "v";
                      });
              return () -> {
                var unused = f.get();
              };
            },
            "OnceValues",
            buf -> {
              Callable<Object> f =
                  Once.values(
                      () -> {
                        buf[0] = 1;
                        return "v";
                      });
              return () -> callQuietly(f);
            },
            "OnceFunc panic",
            buf ->
                Once.func(
                    () -> {
                      buf[0] = 1;
                      throw new IllegalStateException("test panic");
                    }),
            "OnceValue panic",
            buf -> {
              Supplier<Object> f =
                  Once.value(
                      () -> {
                        buf[0] = 1;
                        throw new IllegalStateException("test panic");
                      });
              return () -> {
                var unused = f.get();
              };
            },
            "OnceValues panic",
            buf -> {
              Callable<Object> f =
                  Once.values(
                      () -> {
                        buf[0] = 1;
                        throw new java.io.IOException("test panic");
                      });
              return () -> callQuietly(f);
            });
    return fns.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> Arguments.of(Named.of(e.getKey(), e.getValue())));
  }

  private static void callQuietly(Callable<?> f) {
    try {
      f.call();
    } catch (Exception e) {
      // the test only cares about reachability
    }
  }

  /** A once-function and a weak reference to the buffer only its body holds. */
  private record Wrapped(Runnable f, WeakReference<byte[]> buf) {}

  /** Allocates the buffer in a frame of its own, so the test method never holds it strongly. */
  private static Wrapped wrap(Function<byte[], Runnable> fn) {
    byte[] buf = new byte[1024];
    return new Wrapped(fn.apply(buf), new WeakReference<>(buf));
  }

  /**
   * Collects garbage until {@code ref} is cleared or a bound is reached; returns whether it was.
   */
  private static boolean gcUntilCleared(WeakReference<?> ref, int rounds)
      throws InterruptedException {
    for (int i = 0; i < rounds && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    return ref.get() == null;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("onceXGCCases")
  void testOnceXGC(Function<byte[], Runnable> fn) throws InterruptedException {
    // given
    Wrapped wrapped = wrap(fn);
    Runnable f = wrapped.f();

    // then: the body, and the buffer it captured, live until the first call
    assertThat(gcUntilCleared(wrapped.buf(), 3))
        .as("wrapped function garbage collected too early")
        .isFalse();

    // when
    var unused = catchThrowable(f::run);

    // then: even though f is still alive, the body is not kept alive after the first call
    assertThat(gcUntilCleared(wrapped.buf(), 200))
        .as("wrapped function should be garbage collected, but still live")
        .isTrue();
    var unusedAgain = catchThrowable(f::run);
  }

  /** Go's {@code one}: a counter with no synchronisation of its own. */
  private static final class One {
    private int value;

    void increment() {
      value++;
    }
  }

  @Test
  void testOnce() throws InterruptedException {
    // given
    One o = new One();
    Runnable once = Once.func(o::increment);
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();

    // when: Go's run(), on N goroutines
    final int n = 10;
    for (int i = 0; i < n; i++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    once.run();
                    int v = o.value; // visible: the body happens-before every return of once.run()
                    if (v != 1) {
                      failures.add("once failed inside run: " + v + " is not 1");
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }

    // then
    assertThat(failures).isEmpty();
    assertThat(o.value).as("once failed outside run").isEqualTo(1);
  }

  @Test
  void testOncePanic() {
    // given
    AtomicInteger calls = new AtomicInteger();
    IllegalStateException failed = new IllegalStateException("failed");
    Runnable once =
        Once.func(
            () -> {
              calls.incrementAndGet();
              throw failed;
            });

    // when
    Throwable first = catchThrowable(once::run);
    Throwable second = catchThrowable(once::run);

    // then: the body ran once; unlike Once.Do, OnceFunc semantics re-throw the same failure
    assertThat(first).as("Once has not thrown on the first call").isSameAs(failed);
    assertThat(second).isSameAs(failed);
    assertThat(calls).as("Once called twice").hasValue(1);
  }
}
