package dev.shuttle.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A test run once per channel capacity that behaves differently: rendezvous (0), the smallest
 * buffers (1, 2), and buffers larger than most tests' traffic (10, 100). The test method takes the
 * capacity as its {@code int} parameter.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ParameterizedTest(name = "capacity {0}")
@ValueSource(ints = {0, 1, 2, 10, 100})
public @interface ForEachCapacity {}
