/**
 * Shuttle test support: {@link dev.shuttle.test.ShuttleLeakCheck}, a JUnit Jupiter extension that
 * fails a test which leaves Shuttle goroutines running or Shuttle spans open.
 */
module dev.shuttle.test {
  requires transitive dev.shuttle;
  requires transitive org.junit.jupiter.api;
  requires transitive io.opentelemetry.sdk.trace;
  requires io.opentelemetry.sdk.common;
  requires org.junit.platform.commons;
  requires static org.jspecify;
  requires static com.google.errorprone.annotations;

  exports dev.shuttle.test;

  provides org.junit.jupiter.api.extension.Extension with
      dev.shuttle.test.ShuttleLeakCheck;
}
