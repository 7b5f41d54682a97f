package dev.shuttle.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README quotes the code this module compiles and runs, and names the coordinates it builds.
 */
class ReadmeTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path TOUR = Path.of("src/main/java/dev/shuttle/examples/Tour.java");
  private static final Pattern CODE_BLOCK =
      Pattern.compile("^```(\\w*)\\n(.*?)^```$", Pattern.MULTILINE | Pattern.DOTALL);

  @Test
  void quotesTheTourAsItIsCompiledAndRun() throws IOException {
    String tour = Files.readString(TOUR);
    String quoted = tour.substring(tour.indexOf("import ")); // the package line is ours
    assertThat(codeBlocks("java"))
        .as("a ```java block of README.md equal to %s from its first import", TOUR)
        .contains(quoted);
  }

  @Test
  void givesTheCoordinatesOfThisVersion() throws IOException {
    String version = System.getProperty("shuttle.version");
    assertThat(version).as("shuttle.version, set by the build").isNotBlank();
    String dependencies = String.join("\n", codeBlocks("xml"));
    for (String artifact : List.of("shuttle-core", "shuttle-otel")) {
      assertThat(dependencies)
          .as("README's Maven snippet")
          .contains(
              "<groupId>dev.shuttle</groupId>\n"
                  + "  <artifactId>"
                  + artifact
                  + "</artifactId>\n"
                  + "  <version>"
                  + version
                  + "</version>");
    }
  }

  private static List<String> codeBlocks(String language) throws IOException {
    Matcher m = CODE_BLOCK.matcher(Files.readString(README));
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      if (m.group(1).equals(language)) {
        blocks.add(m.group(2));
      }
    }
    return blocks;
  }
}
