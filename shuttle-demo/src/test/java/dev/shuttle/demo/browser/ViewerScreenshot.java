package dev.shuttle.demo.browser;

import static dev.shuttle.demo.browser.InPage.await;
import static dev.shuttle.demo.browser.InPage.getObject;
import static dev.shuttle.demo.browser.InPage.list;
import static dev.shuttle.demo.browser.InPage.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriver;

/**
 * Makes the README's screenshot of the viewer: the waterfall of the demo's fan-out-fan-in scenario,
 * in the browser the other tests use, with the page 1400 × 800 pixels and no span selected. Runs
 * only from {@code scripts/viewer-screenshot}, which names it ({@code -Dit.test}) and sets {@code
 * -Dviewer.screenshot=PATH} (the PNG to write): its name matches neither Surefire's nor Failsafe's
 * patterns, so the build does not run it.
 */
@Timeout(120)
class ViewerScreenshot {
  static final String PROPERTY = "viewer.screenshot";

  private static final Pattern VIEWER_UP =
      Pattern.compile("^Viewer on (http://127\\.0\\.0\\.1:\\d+) - press Ctrl-C to stop$");

  /** The page's size in the picture (the window's is larger by the browser's own frame). */
  private static final int WIDTH = 1400;

  private static final int HEIGHT = 800;

  /** Resizes the window so that the page itself is {@link #WIDTH} × {@link #HEIGHT}. */
  private static void fitViewport(WebDriver driver) {
    Dimension window = driver.manage().window().getSize();
    long innerWidth = (Long) run(driver, "return window.innerWidth");
    long innerHeight = (Long) run(driver, "return window.innerHeight");
    driver
        .manage()
        .window()
        .setSize(
            new Dimension(
                window.getWidth() + WIDTH - (int) innerWidth,
                window.getHeight() + HEIGHT - (int) innerHeight));
  }

  @Test
  void savesTheFanOutFanInWaterfall() throws Exception {
    String target = System.getProperty(PROPERTY);
    if (target == null || target.isBlank()) {
      throw new IllegalStateException(
          "-D"
              + PROPERTY
              + "=FILE.png names the screenshot to write; run scripts/viewer-screenshot");
    }
    Path png = Path.of(target).toAbsolutePath();
    try (JarProcess demo = JarProcess.start("demo", "--ui", "--ui-port", "0", "--quiet");
        Browser browser = Browser.start(WIDTH, HEIGHT)) {
      // given: the whole demo (so that fan-out-fan-in runs in a warm JVM, as a user sees it)
      String viewer = demo.awaitLine(VIEWER_UP, Duration.ofSeconds(100)).group(1);
      WebDriver driver = browser.driver();
      fitViewport(driver);
      driver.get(viewer + "/");
      String traceId =
          list(getObject(driver, "/api/traces?name=fan-out-fan-in"), "traces").stream()
              .filter(t -> "fan-out-fan-in".equals(t.get("rootName")))
              .map(t -> (String) t.get("traceId"))
              .findFirst()
              .orElseThrow();
      Map<String, Object> trace = getObject(driver, "/api/traces/" + traceId);
      int spans = list(trace, "spans").size();

      // when: its waterfall is drawn, no span selected, the fonts loaded and the notes placed
      driver.get(viewer + "/trace/" + traceId);
      await(driver, d -> d.findElements(By.cssSelector("[data-testid=span-row]")).size() == spans);
      await(
          driver,
          d ->
              run(
                  d,
                  "return document.fonts.status === 'loaded'"
                      + " && document.querySelector('[data-testid=critical-path]') !== null"));
      run(driver, "window.scrollTo(0, 0); document.activeElement?.blur();");
      Thread.sleep(300); // one more layout after the ResizeObserver's note placement
      browser.screenshot(png);

      // then
      assertThat(driver.findElements(By.cssSelector("[data-testid=span-details]"))).isEmpty();
      BufferedImage image = ImageIO.read(png.toFile());
      assertThat(image.getWidth()).isEqualTo(WIDTH);
      assertThat(image.getHeight()).isEqualTo(HEIGHT);
      InPage.assertNoConsoleErrors(browser);
      assertThat(demo.stop(Duration.ofSeconds(30))).as(demo.output()).isZero();
    }
  }
}
