package dev.shuttle.demo.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the browser tests do inside the page: call the viewer's API from the page's own origin (so
 * the answers are what the page itself gets), read the DOM with a script, and wait for the page.
 * Answers come back as Selenium converts them: objects as {@code Map}, arrays as {@code List},
 * whole numbers as {@code Long}, others as {@code Double}.
 *
 * <p>Stateless; each call drives the given browser.
 */
final class InPage {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private InPage() {}

  /** {@code GET path} from the page with {@code fetch}, parsed; fails on an HTTP error. */
  static Object get(WebDriver driver, String path) {
    Object answer =
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0])"
                    + ".then(r => r.ok ? r.json() : r.text().then(t => ({fetchError: r.status + ' ' + t})))"
                    + ".then(done, e => done({fetchError: String(e)}));",
                path);
    if (answer instanceof Map<?, ?> map && map.containsKey("fetchError")) {
      throw new AssertionError("GET " + path + " failed: " + map.get("fetchError"));
    }
    return answer;
  }

  /** {@code GET path}, an object. */
  @SuppressWarnings("unchecked") // the API's answers are JSON objects at the top
  static Map<String, Object> getObject(WebDriver driver, String path) {
    return (Map<String, Object>) get(driver, path);
  }

  /** Runs {@code script} in the page with {@code args} and returns its result. */
  static Object run(WebDriver driver, String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Runs {@code script}, which returns an array of objects. */
  @SuppressWarnings("unchecked") // the scripts below return arrays of plain objects
  static List<Map<String, Object>> rows(WebDriver driver, String script, Object... args) {
    return (List<Map<String, Object>>) run(driver, script, args);
  }

  /** Waits (at most 20 s) until {@code condition} gives a non-null, non-false value; returns it. */
  static <T> T await(WebDriver driver, Function<? super WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).until(condition);
  }

  /** Waits (at most 20 s) until {@code script}, run in the page, returns true. */
  static void awaitTrue(WebDriver driver, String script) {
    await(driver, d -> Boolean.TRUE.equals(run(d, script)) ? Boolean.TRUE : null);
  }

  /** The list of an API object's member {@code key}. */
  @SuppressWarnings("unchecked") // JSON arrays of objects
  static List<Map<String, Object>> list(Map<String, Object> object, String key) {
    return (List<Map<String, Object>>) object.get(key);
  }

  /** A JSON number as a double. */
  static double number(Object value) {
    return ((Number) value).doubleValue();
  }

  /** Asserts that the console got no error (script errors, CSP violations, failed loads). */
  static void assertNoConsoleErrors(Browser browser) {
    List<LogEntry> errors =
        browser.consoleLog().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .toList();
    assertThat(errors).as("console errors").isEmpty();
  }
}
