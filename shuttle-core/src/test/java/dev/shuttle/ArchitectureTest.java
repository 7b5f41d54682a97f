package dev.shuttle;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shuttle core's package structure: no package cycles, nothing from the other Shuttle modules, and
 * every package but {@code dev.shuttle.internal} and its subpackages exported. Reads the compiled
 * main classes only.
 */
class ArchitectureTest {
  private static final String INTERNAL = "dev.shuttle.internal";

  private static URL mainClasses;
  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    mainClasses = Go.class.getProtectionDomain().getCodeSource().getLocation();
    core = new ClassFileImporter().importUrl(mainClasses);
  }

  @Test
  void packagesHaveNoCycles() {
    // "dev.(**)": every package is its own slice, dev.shuttle itself included.
    slices().matching("dev.(**)").should().beFreeOfCycles().check(core);
  }

  @Test
  void coreImportsNothingFromTheOtherShuttleModules() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.shuttle.receiver..",
            "dev.shuttle.otel..",
            "dev.shuttle.demo..",
            "dev.shuttle.test..",
            "dev.shuttle.bench..")
        .check(core);
  }

  @Test
  void everyPackageButInternalIsExported() throws IOException, URISyntaxException {
    ModuleDescriptor module;
    try (InputStream in = mainClasses.toURI().resolve("module-info.class").toURL().openStream()) {
      module = ModuleDescriptor.read(in);
    }
    Set<String> exported =
        module.exports().stream()
            .filter(e -> !e.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> packages =
        core.stream()
            .map(JavaClass::getPackageName)
            .filter(p -> p.startsWith("dev.shuttle"))
            .collect(Collectors.toCollection(TreeSet::new));
    packages.removeIf(ArchitectureTest::isInternal);

    assertThat(packages).contains("dev.shuttle", "dev.shuttle.channel");
    assertThat(exported)
        .as("packages module-info exports to everyone: every package outside %s", INTERNAL)
        .isEqualTo(packages);
    assertThat(module.exports())
        .as("dev.shuttle.internal and its subpackages are not exported, not even to named modules")
        .noneMatch(e -> isInternal(e.source()));
  }

  private static boolean isInternal(String packageName) {
    return packageName.equals(INTERNAL) || packageName.startsWith(INTERNAL + ".");
  }
}
