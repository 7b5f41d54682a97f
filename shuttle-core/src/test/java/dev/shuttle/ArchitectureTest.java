package dev.shuttle;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
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
 * every package but {@code dev.shuttle.internal} exported. Reads the compiled main classes only.
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

  /**
   * Known debt, not yet untangled: {@code context}, {@code inspect} and {@code internal} depend on
   * each other (the goroutine registry in {@code internal} builds {@code inspect}'s value types and
   * waits on {@code context}'s cancellation, while {@code context} and {@code inspect} call the
   * registry). Edges among these three are ignored; every other edge, in or out of them, counts.
   */
  private static final String[] KNOWN_TANGLE = {
    "dev.shuttle.context", "dev.shuttle.inspect", "dev.shuttle.internal"
  };

  @Test
  void packagesHaveNoCycles() {
    slices()
        .matching("dev.shuttle.(**)")
        .should()
        .beFreeOfCycles()
        .ignoreDependency(resideInAnyPackage(KNOWN_TANGLE), resideInAnyPackage(KNOWN_TANGLE))
        .check(core);
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
    packages.remove(INTERNAL);

    assertThat(packages).contains("dev.shuttle", "dev.shuttle.channel");
    assertThat(exported)
        .as("packages module-info exports to everyone: every package but %s", INTERNAL)
        .isEqualTo(packages);
    assertThat(module.exports())
        .as("dev.shuttle.internal is not exported, not even to named modules")
        .noneMatch(e -> e.source().equals(INTERNAL));
  }
}
