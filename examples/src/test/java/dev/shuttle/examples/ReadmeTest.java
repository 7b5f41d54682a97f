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
  void importsTheBomOfThisVersionInMavenAndGradle() throws IOException {
    String version = System.getProperty("shuttle.version");
    assertThat(version).as("shuttle.version, set by the build").isNotBlank();
    assertThat(String.join("\n", codeBlocks("xml")))
        .as("README's Maven snippet")
        .contains(
            """
            <groupId>dev.shuttle</groupId>
                  <artifactId>shuttle-bom</artifactId>
                  <version>%s</version>
                  <type>pom</type>
                  <scope>import</scope>"""
                .formatted(version))
        .contains("<artifactId>shuttle-core</artifactId>\n  </dependency>")
        .contains("<artifactId>shuttle-otel</artifactId>\n  </dependency>");
    assertThat(String.join("\n", codeBlocks("kotlin")))
        .as("README's Gradle snippet")
        .contains("implementation(platform(\"dev.shuttle:shuttle-bom:" + version + "\"))")
        .contains("implementation(\"dev.shuttle:shuttle-core\")");
  }

  @Test
  void namesEveryModuleOfTheBomWithItsJpmsName() throws IOException {
    String bom = Files.readString(Path.of("..", "shuttle-bom", "pom.xml"));
    Matcher artifact = Pattern.compile("<artifactId>(shuttle-[a-z]+)</artifactId>").matcher(bom);
    List<String> managed = new ArrayList<>();
    while (artifact.find()) {
      if (!artifact.group(1).equals("shuttle-bom")) {
        managed.add(artifact.group(1));
      }
    }
    assertThat(managed).as("modules the BOM manages").hasSizeGreaterThanOrEqualTo(5);
    String readme = Files.readString(README);
    for (String module : managed) {
      String moduleInfo =
          Files.readString(Path.of("..", module, "src", "main", "java", "module-info.java"));
      Matcher name = Pattern.compile("(?m)^module ([\\w.]+) \\{").matcher(moduleInfo);
      assertThat(name.find()).as("a module declaration in %s's module-info.java", module).isTrue();
      assertThat(readme)
          .as("README's row for %s", module)
          .contains("| `" + module + "` | `" + name.group(1) + "` |");
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
