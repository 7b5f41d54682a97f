package dev.shuttle.receiver;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * The receiver's package structure: no package cycles among its compiled main classes ({@code
 * receiver} is the store and servers; {@code render}, {@code viewer} and {@code internal} build on
 * it, never the other way round).
 */
class ArchitectureTest {
  private static final JavaClasses RECEIVER =
      new ClassFileImporter()
          .importUrl(OtlpReceiver.class.getProtectionDomain().getCodeSource().getLocation());

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.shuttle.(**)").should().beFreeOfCycles().check(RECEIVER);
  }
}
